using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Secrets;

/// <summary>
/// Masks the server's own secrets in text shown to people (live logs): every value of a secret-named key of its
/// <c>.env</c> (and the password inside any URL value) wherever it appears, then <see cref="Redaction"/>'s
/// patterns for what the file does not name. A value the pattern alone would miss — a password a service echoes
/// on a line of its own — is caught because the exact value is known.
/// </summary>
public sealed class SecretMask
{
    public const string Masked = "***";

    /// <summary>Shorter values are too common to mask everywhere (a port, "db"); the patterns still apply to them.</summary>
    public const int MinimumLength = 4;

    private readonly string[] _values;

    private SecretMask(IEnumerable<string> values) =>
        // Longest first, so that a secret containing another is masked whole.
        _values = [.. values.Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];

    /// <summary>Only the patterns: no <c>.env</c> is known.</summary>
    public static SecretMask PatternsOnly { get; } = new([]);

    public int KnownValues => _values.Length;

    /// <summary>
    /// The server's .env as text: parsed as compose would; a malformed file is still read line by line
    /// (<c>KEY=value</c>), so that its values are hidden all the same.
    /// </summary>
    public static SecretMask FromText(string content, string path)
    {
        try
        {
            return From(DotenvParser.Parse(content, path));
        }
        catch (DotenvException)
        {
            var entries = new List<DotenvEntry>();
            foreach (var (line, number) in content.ReplaceLineEndings("\n").Split('\n').Select((l, i) => (l.Trim(), i + 1)))
            {
                var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..].TrimStart() : line;
                if (text.StartsWith('#') || text.IndexOf('=', StringComparison.Ordinal) is not (var equals and > 0))
                {
                    continue;
                }

                entries.Add(new DotenvEntry(text[..equals].Trim(), text[(equals + 1)..].Trim().Trim('"', '\''), number));
            }

            return From(new DotenvFile(path, entries));
        }
    }

    public static SecretMask From(DotenvFile? env)
    {
        if (env is null)
        {
            return PatternsOnly;
        }

        var values = new List<string>();
        foreach (var entry in env.Entries)
        {
            if (SecretHeuristics.IsSecretName(entry.Key))
            {
                values.Add(entry.Value);
            }

            // DATABASE_URL=postgresql://user:password@db/app: the password, whatever the key is called.
            if (Uri.TryCreate(entry.Value, UriKind.Absolute, out var uri) && uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                var password = uri.UserInfo[(colon + 1)..];
                values.Add(password);
                values.Add(Uri.UnescapeDataString(password));
            }
        }

        return new SecretMask(values);
    }

    public string Apply(string text)
    {
        foreach (var value in _values)
        {
            text = text.Replace(value, Masked, StringComparison.Ordinal);
        }

        return Redaction.Redact(text);
    }
}
