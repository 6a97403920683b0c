using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Requirements;

/// <summary>
/// Variables read by application code: Python (<c>os.environ</c>, <c>os.getenv</c>, pydantic BaseSettings,
/// django-environ's <c>env(…)</c>, python-decouple's <c>config(…)</c>) and the frontend's build variables
/// (Vite's <c>import.meta.env.VITE_*</c>, <c>process.env.REACT_APP_*</c>/<c>VUE_APP_*</c>). Tests, e2e
/// suites and tool configuration are not the application: what they read a deploy does not need.
/// </summary>
public static partial class CodeVariableScanner
{
    private static readonly string[] ScriptExtensions = [".js", ".mjs", ".ts", ".jsx", ".tsx", ".vue", ".svelte"];

    public static IEnumerable<(string Name, VariableUse Use)> Scan(ProjectFile file)
    {
        if (IsTestOrTooling(file.Path))
        {
            return [];
        }

        var extension = Path.GetExtension(file.Path).ToLowerInvariant();
        if (extension == ".py")
        {
            return Python(file).Concat(PydanticSettings.Scan(file));
        }

        return ScriptExtensions.Contains(extension) ? Frontend(file) : [];
    }

    public static bool IsTestOrTooling(string path) => TestPath().IsMatch(path);

    private static IEnumerable<(string, VariableUse)> Python(ProjectFile file)
    {
        var lines = file.Content.Split('\n');
        var environ = file.Content.Contains("environ", StringComparison.Ordinal) || file.Content.Contains("decouple", StringComparison.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.AsSpan().TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in EnvironIndex().Matches(line))
            {
                yield return (match.Groups[1].Value, new VariableUse(file.Path, i + 1, "os.environ[...]", Need.Required));
            }

            foreach (Match match in EnvironGet().Matches(line))
            {
                // Without a default the read gives None: the code either needs the variable or checks for None,
                // and a reviewer documents it either way.
                // A line that tests the value (if/for/while, `is None`, `or`) copes with None itself.
                var hasDefault = match.Groups[3].Success && match.Groups[3].Value.Trim() != "None";
                var rest = line[(match.Index + match.Length)..];
                var need = hasDefault || OrFallback().IsMatch(rest) ? Need.Defaulted
                    : match.Groups[3].Success || ChecksNone().IsMatch(line) || CheckedBelow(lines, i) || InsideCondition(lines, i) ? Need.Optional : Need.Required;
                yield return (match.Groups[2].Value, new VariableUse(file.Path, i + 1, match.Groups[1].Value + " (None when unset)", need));
            }

            if (environ)
            {
                foreach (Match match in EnvironCall().Matches(line))
                {
                    var hasDefault = match.Groups[3].Value.Contains("default", StringComparison.Ordinal);
                    yield return (match.Groups[2].Value, new VariableUse(file.Path, i + 1, match.Groups[1].Value + "(...)", hasDefault ? Need.Defaulted : Need.Required));
                }
            }
        }
    }

    /// <summary><c>url = os.getenv("X")</c> followed within three lines by <c>if url</c> or <c>url is None</c>.</summary>
    private static bool CheckedBelow(string[] lines, int index)
    {
        if (AssignedName().Match(lines[index]) is not { Success: true } assigned)
        {
            return false;
        }

        var name = Regex.Escape(assigned.Groups[1].Value);
        return lines.Skip(index + 1).Take(3).Any(l => Regex.IsMatch(l, $@"\b(if|elif)\s+(not\s+)?{name}\b|\b{name}\s+is\s+(not\s+)?None|\b{name}\s+or\b"));
    }

    /// <summary>A read in the body of <c>if USE_S3:</c> (or try/else) is needed only when that branch runs.</summary>
    private static bool InsideCondition(string[] lines, int index)
    {
        var indent = lines[index].Length - lines[index].TrimStart().Length;
        for (var j = index - 1; j >= 0 && indent > 0; j--)
        {
            var text = lines[j].TrimEnd();
            var own = text.Length - text.TrimStart().Length;
            if (text.Trim().Length == 0 || text.TrimStart().StartsWith('#') || own >= indent)
            {
                continue;
            }

            return ConditionHeader().IsMatch(text);
        }

        return false;
    }

    private static IEnumerable<(string, VariableUse)> Frontend(ProjectFile file)
    {
        var lines = file.Content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in BuildVariable().Matches(lines[i]))
            {
                // Every Sentry SDK disables itself without a DSN.
                var need = match.Groups[3].Success ? Need.Defaulted
                    : Compared().IsMatch(lines[i][(match.Index + match.Length)..]) || match.Groups[1].Value.EndsWith("SENTRY_DSN", StringComparison.Ordinal)
                        ? Need.Optional : Need.Required;
                var source = match.Groups[1].Value.StartsWith("VITE_", StringComparison.Ordinal) ? "import.meta.env" : "process.env";
                yield return (match.Groups[1].Value, new VariableUse(file.Path, i + 1, source, need));
            }
        }
    }

    [GeneratedRegex(@"os\.environ\[\s*[""']([A-Za-z_][A-Za-z0-9_]*)[""']\s*\]")]
    private static partial Regex EnvironIndex();

    [GeneratedRegex(@"(os\.environ\.get|os\.getenv)\(\s*[""']([A-Za-z_][A-Za-z0-9_]*)[""']\s*(?:,\s*([^)]+))?\)")]
    private static partial Regex EnvironGet();

    [GeneratedRegex(@"^\s*(\w+)\s*(?::\s*[^=]+)?=\s*os\.(?:getenv|environ\.get)\(")]
    private static partial Regex AssignedName();

    /// <summary>A flag compared with a value (<c>=== "1"</c>) copes with it being unset.</summary>
    [GeneratedRegex(@"^\s*(===?|!==?)")]
    private static partial Regex Compared();

    [GeneratedRegex(@"^\s*(if|elif|else|try|except)\b")]
    private static partial Regex ConditionHeader();

    [GeneratedRegex(@"^\s*or\b")]
    private static partial Regex OrFallback();

    [GeneratedRegex(@"^\s*(if|elif|for|while)\b|\bis\s+(not\s+)?None\b|\bif\b.*\belse\b")]
    private static partial Regex ChecksNone();

    [GeneratedRegex(@"(?<![\w.])(env(?:\.(?:str|bool|int|float|list|json|url|db_url|db|cache_url|path))?|config)\(\s*[""']([A-Z_][A-Z0-9_]*)[""']\s*([^)]*)\)")]
    private static partial Regex EnvironCall();

    [GeneratedRegex(@"(?:import\.meta\.env|process\.env)\.((?:VITE|REACT_APP|VUE_APP|NEXT_PUBLIC)_[A-Za-z0-9_]+)(\s*(\?\?|\|\|))?")]
    private static partial Regex BuildVariable();

    [GeneratedRegex(@"(^|/)(tests?|e2e|__tests__|spec|cypress|playwright)/|(^|/)(test_[^/]*|[^/]*_test\.py|conftest\.py|[^/]*\.(test|spec)\.[jt]sx?|playwright\.config\.[jt]s|vite\.config\.[jt]s|vue\.config\.js|\.eslintrc\.[jc]?js|noxfile\.py|setup\.py)$")]
    private static partial Regex TestPath();
}
