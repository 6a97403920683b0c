namespace DevOpsAgent.Core.Configuration;

/// <summary>How a deploy proves itself healthy: the seed's post-deployment checks, polled with a deadline.</summary>
public sealed record HealthConfig
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>HTTP endpoints requested on the server itself (e.g. <c>http://localhost:8080/health</c>).</summary>
    public IReadOnlyList<HttpCheck> Http { get; init; } = [];

    /// <summary>The frontend root, expected to answer 200.</summary>
    public string? Frontend { get; init; }

    /// <summary>The compose service that runs PostgreSQL, asked with pg_isready; null skips the check.</summary>
    public string? DatabaseService { get; init; } = "db";

    public int LogTail { get; init; } = 50;

    /// <summary>Whether errors found in the logs fail the deploy, or are only reported.</summary>
    public bool FailOnLogErrors { get; init; }

    internal static HealthConfig Read(ConfigReader reader, ConfigMapping? mapping)
    {
        if (mapping is null)
        {
            return new HealthConfig();
        }

        reader.AllowOnly(mapping, "timeout", "interval", "http", "frontend", "database", "logs");
        var defaults = new HealthConfig();
        var database = mapping["database"];
        var logs = reader.Mapping(mapping["logs"]);
        if (logs is not null)
        {
            reader.AllowOnly(logs, "tail", "fail_on_errors");
        }

        return new HealthConfig
        {
            Timeout = reader.Duration(mapping, "timeout", defaults.Timeout),
            Interval = reader.Duration(mapping, "interval", defaults.Interval),
            Http = ReadHttp(reader, mapping["http"]),
            Frontend = reader.String(mapping, "frontend"),
            DatabaseService = database is ConfigScalar { Value: "false" or "none" } ? null : reader.String(mapping, "database") ?? defaults.DatabaseService,
            LogTail = logs is null ? defaults.LogTail : reader.Integer(logs, "tail", defaults.LogTail, 1, 10_000),
            FailOnLogErrors = logs is not null && reader.Boolean(logs, "fail_on_errors", false),
        };
    }

    private static List<HttpCheck> ReadHttp(ConfigReader reader, ConfigNode? node)
    {
        var checks = new List<HttpCheck>();
        IEnumerable<ConfigNode> items = node switch
        {
            null => [],
            ConfigSequence sequence => sequence.Items,
            _ => [node],
        };
        foreach (var item in items)
        {
            if (item is ConfigScalar scalar)
            {
                checks.Add(new HttpCheck(scalar.Value));
                continue;
            }

            if (reader.Mapping(item) is not { } check)
            {
                continue;
            }

            reader.AllowOnly(check, "url", "status", "json");
            var json = reader.Mapping(check["json"]);
            var expectedJson = new Dictionary<string, string>();
            foreach (var (key, value) in json?.Entries ?? [])
            {
                if (value is ConfigScalar s)
                {
                    expectedJson[key] = s.Value;
                }
                else
                {
                    reader.Problem(value, "should be a string");
                }
            }

            checks.Add(new HttpCheck(reader.RequiredString(check, "url"))
            {
                ExpectedStatus = reader.Integer(check, "status", 200, 100, 599),
                ExpectedJson = expectedJson,
            });
        }

        foreach (var check in checks.Where(c => c.Url.Length > 0 && !Uri.TryCreate(c.Url, UriKind.Absolute, out var uri) | uri?.Scheme is not ("http" or "https")))
        {
            reader.Problem($"{node!.Path}", $"'{check.Url}' is not an http(s) URL");
        }

        return checks;
    }
}

/// <summary>An HTTP endpoint that must answer <see cref="ExpectedStatus"/> with these top-level JSON values.</summary>
public sealed record HttpCheck(string Url)
{
    public int ExpectedStatus { get; init; } = 200;

    public IReadOnlyDictionary<string, string> ExpectedJson { get; init; } = new Dictionary<string, string>();
}
