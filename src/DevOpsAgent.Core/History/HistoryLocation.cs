using System.Globalization;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.History;

/// <summary>A shared PostgreSQL history database. <see cref="ToString"/> never includes the password.</summary>
public sealed class PostgresLocation
{
    public required string Host { get; init; }

    public int Port { get; init; } = 5432;

    public required string Database { get; init; }

    public string? User { get; init; }

    /// <summary>A secret: never printed, logged, serialized or put in an error.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Password { get; init; }

    /// <summary>postgresql://user@host:port/db — what errors and --verbose may show.</summary>
    public string Display => $"postgresql://{(User is null ? "" : Uri.EscapeDataString(User) + "@")}{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}/{Uri.EscapeDataString(Database)}";

    public override string ToString() => Display;
}

/// <summary>Where history is kept: a SQLite file, or a shared PostgreSQL database.</summary>
public sealed class HistoryLocation
{
    private HistoryLocation(string? sqlitePath, PostgresLocation? postgres) => (SqlitePath, Postgres) = (sqlitePath, postgres);

    public string? SqlitePath { get; }

    public PostgresLocation? Postgres { get; }

    /// <summary>True when the location came from the user (option, variable, config) rather than the default path.</summary>
    public bool Given { get; private init; }

    public string Display => Postgres?.Display ?? SqlitePath!;

    public override string ToString() => Display;

    public static HistoryLocation Sqlite(string path, bool given = false) => new(path, null) { Given = given };

    /// <summary>
    /// --history, then $DEVOPS_AGENT_HISTORY_URL, then $DEVOPS_AGENT_HISTORY, then the config's <c>history:</c>, then the
    /// default SQLite file. A value is a PostgreSQL location when it looks like one, else a file path.
    /// </summary>
    public static HistoryLocation Select(string? option, string? urlVariable, string? pathVariable, HistoryLocation? config, string defaultPath)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return Parse(option, "--history");
        }

        if (!string.IsNullOrEmpty(urlVariable))
        {
            return IsPostgres(urlVariable)
                ? Parse(urlVariable, "$DEVOPS_AGENT_HISTORY_URL")
                : throw new DevOpsAgentException("$DEVOPS_AGENT_HISTORY_URL: should be a postgresql:// URL or Host=…;Database=… connection string", ExitCodes.InvalidConfiguration);
        }

        if (!string.IsNullOrEmpty(pathVariable))
        {
            return Parse(pathVariable, "$DEVOPS_AGENT_HISTORY");
        }

        return config ?? Sqlite(defaultPath);
    }

    /// <summary>A value from <paramref name="source"/> (named in errors, which never quote the value: it may hold a password).</summary>
    public static HistoryLocation Parse(string text, string source)
    {
        if (!IsPostgres(text))
        {
            return Sqlite(text, given: true);
        }

        var problem = TryParsePostgres(text.Trim(), out var location);
        return problem is null
            ? new HistoryLocation(null, location) { Given = true }
            : throw new DevOpsAgentException($"{source}: {problem}", ExitCodes.InvalidConfiguration);
    }

    /// <summary>Like <see cref="Parse"/>, for a validator that collects problems: null and the problem when invalid.</summary>
    public static HistoryLocation? TryParse(string text, out string? problem)
    {
        if (!IsPostgres(text))
        {
            problem = null;
            return Sqlite(text, given: true);
        }

        problem = TryParsePostgres(text.Trim(), out var location);
        return problem is null ? new HistoryLocation(null, location) { Given = true } : null;
    }

    public static bool IsPostgres(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || (trimmed.Contains('=') && trimmed.Split(';').Any(p => p.Split('=')[0].Trim() is var k && (k.Equals("host", StringComparison.OrdinalIgnoreCase) || k.Equals("server", StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>The problem in one phrase, or null; the phrase never contains the value's text.</summary>
    public static string? TryParsePostgres(string text, out PostgresLocation? location)
    {
        location = null;
        return text.Contains("://", StringComparison.Ordinal) ? TryParseUrl(text, out location) : TryParseKeywords(text, out location);
    }

    private static string? TryParseUrl(string text, out PostgresLocation? location)
    {
        location = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
        {
            return "should be a URL like postgresql://user:password@host:5432/database";
        }

        if (uri.Host.Length == 0)
        {
            return "the URL names no host (postgresql://user:password@host:5432/database)";
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return "the URL should have no ?query or #fragment (postgresql://user:password@host:5432/database)";
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
        {
            return "the URL should name one database after the host (postgresql://user:password@host:5432/database)";
        }

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        location = new PostgresLocation
        {
            Host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = string.IsNullOrEmpty(password) ? null : password,
        };
        return null;
    }

    private static string? TryParseKeywords(string text, out PostgresLocation? location)
    {
        location = null;
        string? host = null, database = null, user = null, password = null;
        var port = 5432;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return "should be keyword=value pairs separated by ';' (Host=…;Port=…;Database=…;Username=…;Password=…)";
            }

            var key = part[..equals].Trim().ToLowerInvariant();
            var value = part[(equals + 1)..].Trim();
            switch (key)
            {
                case "host" or "server":
                    host = value;
                    break;
                case "port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                    {
                        return "Port should be a number from 1 to 65535";
                    }

                    break;
                case "database" or "db":
                    database = value;
                    break;
                case "username" or "user id" or "user" or "userid":
                    user = value;
                    break;
                case "password" or "pwd":
                    password = value;
                    break;
                default:
                    return $"unknown keyword {InputText.Quote(part[..equals].Trim())} (expected Host, Port, Database, Username, Password)";
            }
        }

        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(database))
        {
            return "the connection string needs Host and Database";
        }

        location = new PostgresLocation { Host = host, Port = port, Database = database, User = string.IsNullOrEmpty(user) ? null : user, Password = string.IsNullOrEmpty(password) ? null : password };
        return null;
    }
}
