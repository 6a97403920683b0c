using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Requirements;

/// <summary>Variables read by application code: Python (<c>os.environ</c>, <c>os.getenv</c>, pydantic BaseSettings) and Vite.</summary>
public static partial class CodeVariableScanner
{
    private static readonly string[] ScriptExtensions = [".js", ".mjs", ".ts", ".jsx", ".tsx", ".vue", ".svelte"];

    public static IEnumerable<(string Name, VariableUse Use)> Scan(ProjectFile file)
    {
        var extension = Path.GetExtension(file.Path).ToLowerInvariant();
        if (extension == ".py")
        {
            return Python(file).Concat(PydanticSettings.Scan(file));
        }

        return ScriptExtensions.Contains(extension) ? Vite(file) : [];
    }

    private static IEnumerable<(string, VariableUse)> Python(ProjectFile file)
    {
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in EnvironIndex().Matches(lines[i]))
            {
                yield return (match.Groups[1].Value, new VariableUse(file.Path, i + 1, "os.environ[...]", Need.Required));
            }

            foreach (Match match in EnvironGet().Matches(lines[i]))
            {
                var hasDefault = match.Groups[3].Success && match.Groups[3].Value.Trim() != "None";
                yield return (match.Groups[2].Value, new VariableUse(file.Path, i + 1, match.Groups[1].Value,
                    hasDefault ? Need.Defaulted : Need.Optional));
            }
        }
    }

    private static IEnumerable<(string, VariableUse)> Vite(ProjectFile file)
    {
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in ViteEnv().Matches(lines[i]))
            {
                var need = match.Groups[2].Success ? Need.Defaulted : Need.Required;
                yield return (match.Groups[1].Value, new VariableUse(file.Path, i + 1, "import.meta.env", need));
            }
        }
    }

    [GeneratedRegex(@"os\.environ\[\s*[""']([A-Za-z_][A-Za-z0-9_]*)[""']\s*\]")]
    private static partial Regex EnvironIndex();

    [GeneratedRegex(@"(os\.environ\.get|os\.getenv)\(\s*[""']([A-Za-z_][A-Za-z0-9_]*)[""']\s*(?:,\s*([^)]+))?\)")]
    private static partial Regex EnvironGet();

    [GeneratedRegex(@"import\.meta\.env\.(VITE_[A-Za-z0-9_]+)(\s*(?:\?\?|\|\|))?")]
    private static partial Regex ViteEnv();
}
