using System.Security.Cryptography;
using System.Text;

namespace DevOpsAgent.Core.Ssh;

public enum HostKeyVerdict
{
    /// <summary>known_hosts holds this exact key for the host.</summary>
    Trusted,

    /// <summary>known_hosts has no key of this type for the host.</summary>
    Unknown,

    /// <summary>known_hosts holds a different key of this type for the host: possibly a man in the middle.</summary>
    Changed,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,
}

/// <summary>
/// OpenSSH known_hosts, read the way ssh reads it: plain and hashed (<c>|1|salt|hash</c>) host names,
/// <c>[host]:port</c> for non-default ports, wildcards and negated patterns, and @revoked markers.
/// </summary>
public sealed class KnownHosts
{
    private readonly IReadOnlyList<Entry> _entries;

    private KnownHosts(IReadOnlyList<Entry> entries) => _entries = entries;

    public static KnownHosts Parse(string content)
    {
        var entries = new List<Entry>();
        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var marker = fields[0].StartsWith('@') ? fields[0] : null;
            var offset = marker is null ? 0 : 1;
            if (fields.Length < offset + 3 || marker is "@cert-authority")
            {
                continue;
            }

            entries.Add(new Entry(marker == "@revoked", fields[offset], fields[offset + 1], fields[offset + 2]));
        }

        return new KnownHosts(entries);
    }

    /// <summary>The name ssh looks a host up under: <c>host</c> on port 22, <c>[host]:port</c> otherwise.</summary>
    public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>One known_hosts line for a newly accepted key.</summary>
    public static string FormatLine(string host, int port, string keyType, byte[] key) =>
        $"{HostName(host, port)} {keyType} {Convert.ToBase64String(key)}";

    public HostKeyVerdict Verify(string host, int port, string keyType, byte[] key)
    {
        var name = HostName(host, port);
        var encoded = Convert.ToBase64String(key);
        var sawOtherKey = false;
        var trusted = false;
        foreach (var entry in _entries.Where(e => e.Matches(name)))
        {
            if (entry.Key == encoded)
            {
                if (entry.Revoked)
                {
                    return HostKeyVerdict.Revoked;
                }

                trusted = true;
            }
            else if (!entry.Revoked && entry.KeyType == keyType)
            {
                sawOtherKey = true;
            }
        }

        return trusted ? HostKeyVerdict.Trusted : sawOtherKey ? HostKeyVerdict.Changed : HostKeyVerdict.Unknown;
    }

    private sealed record Entry(bool Revoked, string Hosts, string KeyType, string Key)
    {
        public bool Matches(string name)
        {
            if (Hosts.StartsWith("|1|", StringComparison.Ordinal))
            {
                return MatchesHashed(name);
            }

            var matched = false;
            foreach (var pattern in Hosts.Split(','))
            {
                var negated = pattern.StartsWith('!');
                if (Glob(negated ? pattern[1..] : pattern, name))
                {
                    if (negated)
                    {
                        return false;
                    }

                    matched = true;
                }
            }

            return matched;
        }

        private bool MatchesHashed(string name)
        {
            var parts = Hosts.Split('|');
            if (parts.Length != 4)
            {
                return false;
            }

            try
            {
                var salt = Convert.FromBase64String(parts[2]);
                var expected = Convert.FromBase64String(parts[3]);
                var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name));
                return CryptographicOperations.FixedTimeEquals(actual, expected);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static bool Glob(string pattern, string text)
        {
            if (pattern.Length == 0)
            {
                return text.Length == 0;
            }

            return pattern[0] switch
            {
                '*' => Enumerable.Range(0, text.Length + 1).Any(i => Glob(pattern[1..], text[i..])),
                '?' => text.Length > 0 && Glob(pattern[1..], text[1..]),
                _ => text.Length > 0 && char.ToLowerInvariant(pattern[0]) == char.ToLowerInvariant(text[0]) && Glob(pattern[1..], text[1..]),
            };
        }
    }
}
