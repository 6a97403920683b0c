using System.Security.Cryptography;
using System.Text;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// <c>env init</c>: a .env made from .env.example, with a fresh random value for every secret-looking key
/// whose example value is empty or a placeholder. The result lists the generated keys, never the values.
/// </summary>
public static class EnvInit
{
    public sealed record Result(string Content, IReadOnlyList<string> GeneratedKeys)
    {
        public override string ToString() => $".env with {GeneratedKeys.Count} generated secrets";
    }

    public static Result FromExample(string exampleText, string examplePath, Func<string>? generate = null)
    {
        generate ??= NewSecret;
        var example = DotenvParser.Parse(exampleText, examplePath);
        var toGenerate = example.Entries
            .Where(e => SecretHeuristics.IsSecretName(e.Key) && (e.Value.Length == 0 || SecretHeuristics.IsPlaceholder(e.Value)))
            .ToDictionary(e => e.Line, e => e.Key);
        var lines = exampleText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var output = new StringBuilder();
        var generated = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (toGenerate.TryGetValue(i + 1, out var key))
            {
                var prefix = lines[i].TrimStart().StartsWith("export", StringComparison.Ordinal) ? "export " : "";
                output.Append(prefix).Append(key).Append('=').Append(generate());
                generated.Add(key);
            }
            else
            {
                output.Append(lines[i]);
            }

            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }
        }

        return new Result(output.ToString(), generated);
    }

    /// <summary>256 bits from the OS's cryptographic RNG, as 64 hex characters (safe unquoted in .env and URLs).</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
