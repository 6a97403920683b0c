using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Configuration;

/// <summary>One deploy target (staging, production, …): where it is, what it runs, how it proves healthy.</summary>
public sealed record EnvironmentConfig
{
    public const string LocalServer = "local";

    public required string Name { get; init; }

    /// <summary>Host name or address, or <c>local</c> to run on this machine without SSH.</summary>
    public required string Server { get; init; }

    public int Port { get; init; } = 22;

    public required string User { get; init; }

    /// <summary>The app folder on the server (the seed's REMOTE_PATH).</summary>
    public required string Path { get; init; }

    public string? IdentityFile { get; init; }

    public string? KnownHostsFile { get; init; }

    /// <summary>What a deploy takes when no --ref is given: the branch (staging) or tag (production).</summary>
    public required GitRef DefaultRef { get; init; }

    public required string ComposeProject { get; init; }

    public required IReadOnlyList<string> ComposeFiles { get; init; }

    public HealthConfig Health { get; init; } = new();

    /// <summary>
    /// The environment whose history must show a release healthy before this one takes it (production's
    /// pre-flight); null means no pre-flight.
    /// </summary>
    public string? PreflightTestedOn { get; init; }

    /// <summary>How many releases' images stay tagged on the server for rollbacks without a rebuild.</summary>
    public int KeepReleases { get; init; } = 5;

    /// <summary>Webhooks told when an operation on this environment starts and how it ends.</summary>
    public IReadOnlyList<DevOpsAgent.Core.Notifications.WebhookConfig> Notifications { get; init; } = [];

    /// <summary>Blue/green slots behind an edge; null: the stack is one compose project, updated in place.</summary>
    public ZeroDowntimeConfig? ZeroDowntime { get; init; }

    /// <summary><c>engine: swarm</c>: the stack runs on a Docker Swarm through its manager; null: compose (the default).</summary>
    public SwarmConfig? Swarm { get; init; }

    /// <summary>
    /// The registry the release's images go through: <c>engine: swarm</c>'s, or a compose fleet's (<c>hosts:</c>) —
    /// the first host builds and pushes, the others pull instead of building. Null: every host builds for itself.
    /// </summary>
    public string? Registry { get; init; }

    /// <summary>
    /// Every host of the environment, the primary (<see cref="Server"/>, <see cref="Port"/>, <see cref="User"/>)
    /// first; one host for <c>server:</c>. Empty only for a config built in code, which means the one server.
    /// </summary>
    public IReadOnlyList<HostConfig> Hosts { get; init; } = [];

    /// <summary><c>hosts:</c> — how many hosts deploy at once after the canary.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary><c>hosts:</c> — the first host deploys alone, and the others only once it is healthy.</summary>
    public bool Canary { get; init; } = true;

    /// <summary>The hosts, primary first; a config built in code without <see cref="Hosts"/> has its one server.</summary>
    public IReadOnlyList<HostConfig> AllHosts => Hosts.Count > 0 ? Hosts : [new HostConfig(Server, Port, User)];

    /// <summary>More than one host: deploys go through the fleet worker.</summary>
    public bool IsFleet => AllHosts.Count > 1;

    /// <summary>This environment as seen by one of its hosts: the per-host operations run on this.</summary>
    public EnvironmentConfig OnHost(HostConfig host) => this with { Server = host.Host, Port = host.Port, User = host.User, Hosts = [host] };

    public bool IsLocal => Server == LocalServer;

    internal static EnvironmentConfig Read(ConfigReader reader, string project, IReadOnlyList<string> composeFiles, string name, ConfigMapping mapping)
    {
        reader.AllowOnly(mapping, "server", "hosts", "parallel", "canary", "port", "user", "path", "identity_file", "known_hosts", "branch", "tag",
            "compose_project", "compose_files", "health", "preflight", "keep_releases", "notifications", "zero_downtime",
            "engine", "registry", "swarm");
        var preflight = reader.Mapping(mapping["preflight"]);
        if (preflight is not null)
        {
            reader.AllowOnly(preflight, "tested_on");
        }

        var branch = reader.String(mapping, "branch");
        var tag = reader.String(mapping, "tag");
        if (branch is not null && tag is not null)
        {
            reader.Problem(mapping["tag"]!, "set either branch or tag, not both");
        }

        var refName = branch ?? tag;
        GitRef defaultRef = null!;
        if (refName is null)
        {
            reader.Problem($"{mapping.Path}/branch", "required (or set tag)");
        }
        else if (!GitRef.TryParse(refName, out defaultRef, out var reason))
        {
            reader.Problem(mapping[branch is null ? "tag" : "branch"]!, $"invalid git ref: {reason}");
        }

        var path = reader.RequiredString(mapping, "path", "REMOTE_PATH");
        if (path.Length > 0 && !path.StartsWith('/'))
        {
            reader.Problem(mapping["path"] ?? mapping, "should be an absolute path");
        }

        var files = reader.StringList(mapping, "compose_files");
        // Read in the order server:, port:, user: so a single-server config reports its problems as it always did.
        var single = mapping["hosts"] is null ? reader.RequiredString(mapping, "server", "REMOTE_SERVER") : null;
        var port = reader.Integer(mapping, "port", 22, 1, 65535);
        IReadOnlyList<HostConfig> hosts;
        if (mapping["hosts"] is { } hostsNode)
        {
            if (mapping["server"] is { } server)
            {
                reader.Problem(server, "set either server or hosts, not both");
            }

            if (hostsNode is ConfigSequence sequence)
            {
                hosts = HostConfig.ReadAll(reader, sequence, port, reader.String(mapping, "user", "REMOTE_USER"));
            }
            else
            {
                reader.Problem(hostsNode, "should be a list of hosts");
                hosts = [];
            }
        }
        else
        {
            foreach (var key in new[] { "parallel", "canary" }.Where(k => mapping[k] is not null))
            {
                reader.Problem(mapping[key]!, "only with hosts: (server: is one host)");
            }

            hosts = [new HostConfig(single!, port, reader.RequiredString(mapping, "user", "REMOTE_USER"))];
        }

        if (hosts.Count > 1 && mapping["zero_downtime"] is { } zeroDowntime)
        {
            // Each host would need its own edge and slots switched together; not built yet (issue 12 does hosts first).
            reader.Problem(zeroDowntime, "not supported yet with several hosts");
        }

        var primary = hosts.Count > 0 ? hosts[0] : new HostConfig("", port, "");
        var environment = new EnvironmentConfig
        {
            Name = name,
            Server = primary.Host,
            Port = primary.Port,
            User = primary.User,
            Hosts = hosts,
            Parallel = reader.Integer(mapping, "parallel", 4, 1, 64),
            Canary = reader.Boolean(mapping, "canary", true),
            Path = path.TrimEnd('/'),
            IdentityFile = ExpandHome(reader.String(mapping, "identity_file")),
            KnownHostsFile = ExpandHome(reader.String(mapping, "known_hosts")),
            DefaultRef = defaultRef,
            ComposeProject = reader.String(mapping, "compose_project") ?? $"{project}-{name}",
            ComposeFiles = files.Count > 0 ? files : composeFiles,
            Health = HealthConfig.Read(reader, reader.Mapping(mapping["health"])),
            PreflightTestedOn = preflight is null ? null : reader.RequiredString(preflight, "tested_on"),
            KeepReleases = reader.Integer(mapping, "keep_releases", 5, 1, 100),
            Notifications = DevOpsAgent.Core.Notifications.WebhookConfig.ReadAll(reader, mapping),
            ZeroDowntime = ZeroDowntimeConfig.Read(reader, mapping["zero_downtime"]),
            Swarm = SwarmConfig.Read(reader, mapping),
        };
        return environment with { Registry = environment.Swarm?.Registry ?? SwarmConfig.ReadFleetRegistry(reader, mapping) };
    }

    private static string? ExpandHome(string? path) =>
        path is not null && path.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
