using System.Globalization;

namespace DevOpsAgent.Core.Configuration;

/// <summary>One machine of an environment: where SSH reaches it and what it runs.</summary>
public sealed record HostConfig(string Host, int Port, string User)
{
    public static readonly IReadOnlyList<string> KnownRoles = ["web", "worker", "db"];

    /// <summary>Informational, except <c>db</c>: the host that has it must be the first (it runs the migrations).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary><c>user@host:port</c>, the prefix of its progress lines and its name in results and history.</summary>
    public string Name => $"{User}@{Host}:{Port}";

    /// <summary>
    /// <c>hosts:</c>: each item a string (<c>web1.example.com</c>, <c>deploy@web1:2222</c>) or a mapping
    /// <c>{ host, port, user, roles }</c>; what an item leaves out comes from the environment's <c>port:</c>/<c>user:</c>.
    /// </summary>
    internal static IReadOnlyList<HostConfig> ReadAll(ConfigReader reader, ConfigSequence sequence, int defaultPort, string? defaultUser)
    {
        var hosts = new List<HostConfig>();
        foreach (var item in sequence.Items)
        {
            var host = item switch
            {
                ConfigScalar scalar => FromString(reader, scalar, defaultPort, defaultUser),
                ConfigMapping mapping => FromMapping(reader, mapping, defaultPort, defaultUser),
                _ => Invalid(reader, item),
            };
            if (host is null)
            {
                continue;
            }

            if (hosts.Any(h => string.Equals(h.Host, host.Host, StringComparison.OrdinalIgnoreCase) && h.Port == host.Port))
            {
                reader.Problem(item, $"{host.Host}:{host.Port} is listed twice");
                continue;
            }

            if (host.Roles.Contains("db") && hosts.Count > 0)
            {
                reader.Problem(item, "the host with role db must be listed first: the first host runs the migrations");
            }

            hosts.Add(host);
        }

        if (sequence.Items.Count == 0)
        {
            reader.Problem(sequence, "should list at least one host");
        }

        return hosts;
    }

    private static HostConfig? Invalid(ConfigReader reader, ConfigNode item)
    {
        reader.Problem(item, "should be a host name or a mapping with host, port, user, roles");
        return null;
    }

    private static HostConfig? FromString(ConfigReader reader, ConfigScalar scalar, int defaultPort, string? defaultUser)
    {
        var text = scalar.Value.Trim();
        var user = defaultUser;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            user = text[..at];
            text = text[(at + 1)..];
        }

        var port = defaultPort;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                reader.Problem(scalar, "the port after ':' should be a whole number from 1 to 65535");
                return null;
            }

            text = text[..colon];
        }

        return Checked(reader, scalar.Path, text, port, user, []);
    }

    private static HostConfig? FromMapping(ConfigReader reader, ConfigMapping mapping, int defaultPort, string? defaultUser)
    {
        reader.AllowOnly(mapping, "host", "port", "user", "roles");
        var host = reader.RequiredString(mapping, "host");
        var port = reader.Integer(mapping, "port", defaultPort, 1, 65535);
        var user = reader.String(mapping, "user") ?? defaultUser;
        var roles = reader.StringList(mapping, "roles");
        foreach (var role in roles.Where(r => !KnownRoles.Contains(r)))
        {
            reader.Problem($"{mapping.Path}/roles", $"unknown role '{role}' (expected one of: {string.Join(", ", KnownRoles)})");
        }

        if (roles.Distinct().Count() != roles.Count)
        {
            reader.Problem($"{mapping.Path}/roles", "lists a role twice");
        }

        return host.Length == 0 ? null : Checked(reader, $"{mapping.Path}/host", host, port, user, roles);
    }

    private static HostConfig? Checked(ConfigReader reader, string path, string host, int port, string? user, IReadOnlyList<string> roles)
    {
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' or ':'))
        {
            reader.Problem(path, $"'{host}' is not a host name or address");
            return null;
        }

        if (host == EnvironmentConfig.LocalServer)
        {
            reader.Problem(path, "local is for server: (one host on this machine); hosts: are reached over SSH");
            return null;
        }

        if (string.IsNullOrEmpty(user))
        {
            reader.Problem(path, "no user: give user@host, a user: in the item, or the environment's user:");
            return null;
        }

        return new HostConfig(host, port, user) { Roles = roles };
    }
}
