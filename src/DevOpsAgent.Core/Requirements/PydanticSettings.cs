using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Requirements;

/// <summary>
/// Fields of pydantic <c>BaseSettings</c> classes: each is an environment variable (upper-cased, with the
/// class's <c>env_prefix</c>, or its alias); a field without a default is required.
/// </summary>
public static partial class PydanticSettings
{
    public static IEnumerable<(string Name, VariableUse Use)> Scan(ProjectFile file)
    {
        if (!file.Content.Contains("BaseSettings", StringComparison.Ordinal))
        {
            yield break;
        }

        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var header = SettingsClass().Match(lines[i]);
            if (!header.Success)
            {
                continue;
            }

            var classIndent = header.Groups[1].Value.Length;
            var body = new List<(int Line, string Text)>();
            for (var j = i + 1; j < lines.Length; j++)
            {
                var text = lines[j].TrimEnd('\r');
                if (text.Trim().Length > 0 && Indent(text) <= classIndent)
                {
                    break;
                }

                body.Add((j + 1, text));
            }

            var fieldIndent = body.Where(b => b.Text.Trim().Length > 0).Select(b => Indent(b.Text)).DefaultIfEmpty(0).First();
            var prefix = body.Select(b => EnvPrefix().Match(b.Text)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
            foreach (var (line, text) in body.Where(b => Indent(b.Text) == fieldIndent))
            {
                var field = Field().Match(text);
                if (!field.Success || field.Groups[1].Value is "model_config" || field.Groups[1].Value.StartsWith('_'))
                {
                    continue;
                }

                var initializer = field.Groups[2].Success ? field.Groups[2].Value.Trim() : null;
                var alias = initializer is null ? null : Alias().Match(initializer) is { Success: true } a ? a.Groups[1].Value : null;
                var required = initializer is null || RequiredField().IsMatch(initializer);
                var name = alias ?? (prefix + field.Groups[1].Value).ToUpperInvariant();
                yield return (name, new VariableUse(file.Path, line, "pydantic BaseSettings field", required ? Need.Required : Need.Defaulted));
            }

            i += body.Count;
        }
    }

    private static int Indent(string text) => text.Length - text.TrimStart(' ', '\t').Length;

    [GeneratedRegex(@"^(\s*)class\s+\w+\s*\([^)]*BaseSettings[^)]*\)\s*:")]
    private static partial Regex SettingsClass();

    [GeneratedRegex(@"env_prefix\s*=\s*[""']([^""']*)[""']")]
    private static partial Regex EnvPrefix();

    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[^=#]+?(?:=\s*(.+))?\s*(?:#.*)?$")]
    private static partial Regex Field();

    [GeneratedRegex(@"(?:validation_alias|alias|env)\s*=\s*[""']([^""']+)[""']")]
    private static partial Regex Alias();

    [GeneratedRegex(@"^Field\(\s*(?:\.\.\.|\))")]
    private static partial Regex RequiredField();
}
