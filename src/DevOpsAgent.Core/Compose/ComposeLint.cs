using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The seed's compose patterns and pitfalls as rules, over the merged model a deploy runs: health checks
/// on long-running services, depends_on waits for health, the database keeps its data in a named volume,
/// services share a network, no literal or fallback secrets, the docker socket read-only; plus
/// <see cref="ProductionRules"/> for a production set. Each finding names the file its node came from.
/// </summary>
public static partial class ComposeLint
{
    public static IReadOnlyList<Finding> Run(ComposeFile compose)
    {
        var findings = new List<Finding>();
        var services = compose.Services;
        var jobs = OneShotServices(services);
        foreach (var service in services)
        {
            if (!jobs.Contains(service.Name))
            {
                findings.AddRange(Healthcheck(compose, service));
            }

            findings.AddRange(DependsOn(compose, service, jobs));
            findings.AddRange(DatabaseVolume(compose, service));
            findings.AddRange(DockerSocket(compose, service));
        }

        findings.AddRange(SharedNetwork(compose, services));
        findings.AddRange(ComposeSecrets.Run(compose));
        if (compose.IsProduction)
        {
            findings.AddRange(ProductionRules.Run(compose, jobs));
        }

        return Findings.Sorted(findings);
    }

    /// <summary>An error in a deployed set; a warning in the local development set.</summary>
    internal static Finding Error(string rule, ComposeFile compose, YamlNode node, string message, string fix) =>
        Error(rule, compose, compose.At(node), message, fix);

    internal static Finding Error(string rule, ComposeFile compose, ComposeService service, string message, string fix) =>
        Error(rule, compose, new NodeOrigin(service.File, service.Line), message, fix);

    private static Finding Error(string rule, ComposeFile compose, NodeOrigin at, string message, string fix) =>
        new(rule, compose.Deployed ? Severity.Error : Severity.Warning, at.File, at.Line, message, fix);

    /// <summary>
    /// An error for what the project builds and its database; a warning for a third-party helper image
    /// (adminer, mailpit, a proxy) whose health the deploy's own verification does not depend on.
    /// </summary>
    private static Finding ServiceFinding(string rule, ComposeFile compose, ComposeService service, YamlNode? node, string message, string fix)
    {
        var finding = node is null ? Error(rule, compose, service, message, fix) : Error(rule, compose, node, message, fix);
        return service["build"] is null && !IsDatabase(service) ? finding with { Severity = Severity.Warning } : finding;
    }

    internal static Finding Warning(string rule, ComposeFile compose, YamlNode node, string message, string fix)
    {
        var (file, line) = compose.At(node);
        return new Finding(rule, Severity.Warning, file, line, message, fix);
    }

    internal static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    internal static YamlNode? Get(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static IReadOnlyList<YamlNode> Items(YamlNode? node) => node switch
    {
        YamlSequenceNode list => [.. list.Children],
        YamlMappingNode map => [.. map.Children.Keys],
        YamlScalarNode { Value: { Length: > 0 } } scalar => [scalar],
        _ => [],
    };

    /// <summary>postgres, mysql, mariadb and mongo images.</summary>
    internal static bool IsDatabase(ComposeService service) =>
        Text(service["image"]) is { } image && DatabaseImage().IsMatch(image);

    /// <summary>
    /// Jobs that run once and exit: <c>restart: "no"</c> said explicitly, a service others wait for with
    /// <c>service_completed_successfully</c>, or a prestart/migration/init job by name or command.
    /// </summary>
    internal static HashSet<string> OneShotServices(IReadOnlyList<ComposeService> services)
    {
        // A development override also writes restart: "no" on a database it publishes; a job serves nothing.
        var jobs = services.Where(s => (Text(s["restart"]) is "no" or "false" && s["ports"] is null && s["healthcheck"] is null && !IsDatabase(s))
                || OneShotName().IsMatch(s.Name) || IsJobCommand(s))
            .Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (service["depends_on"] is YamlMappingNode map)
            {
                foreach (var (name, options) in map.Children)
                {
                    if (Text(Get(options, "condition")) == "service_completed_successfully" && Text(name) is { } job)
                    {
                        jobs.Add(job);
                    }
                }
            }
        }

        return jobs;
    }

    private static bool IsJobCommand(ComposeService service)
    {
        var command = string.Join(' ', ComposeFile.Scalars(service["command"] ?? new YamlScalarNode("")).Select(x => x.Scalar.Value));
        return OneShotCommand().IsMatch(command) && !ServerCommand().IsMatch(command);
    }

    private static IEnumerable<Finding> Healthcheck(ComposeFile compose, ComposeService service)
    {
        var check = service["healthcheck"] as YamlMappingNode;
        if (check is null || Text(Get(check, "disable")) == "true")
        {
            yield return ServiceFinding("compose-healthcheck", compose, service, null, $"service {service.Name} has no healthcheck",
                IsDatabase(service) ? "add healthcheck: test: [\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER}\"]"
                    : "add a healthcheck (e.g. test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8000/health\"])");
        }
    }

    private static IEnumerable<Finding> DependsOn(ComposeFile compose, ComposeService service, HashSet<string> jobs)
    {
        IEnumerable<(YamlNode Name, string? Condition)> dependencies = service["depends_on"] switch
        {
            YamlSequenceNode list => list.Children.Select(d => (d, (string?)null)),
            YamlMappingNode map => map.Children.Select(c => (c.Key, Text(Get(c.Value, "condition")))),
            _ => [],
        };
        foreach (var (name, condition) in dependencies)
        {
            var dependency = Text(name) ?? "";
            var wanted = jobs.Contains(dependency) ? "service_completed_successfully" : "service_healthy";
            if (condition is not ("service_healthy" or "service_completed_successfully"))
            {
                yield return ServiceFinding("compose-depends-on-healthy", compose, service, name,
                    $"service {service.Name} starts without waiting for {dependency} to be {(wanted == "service_healthy" ? "healthy" : "done")}",
                    $"use the long form: depends_on: {{ {dependency}: {{ condition: {wanted} }} }}");
            }
        }
    }

    private static IEnumerable<Finding> DatabaseVolume(ComposeFile compose, ComposeService service)
    {
        if (!IsDatabase(service))
        {
            yield break;
        }

        var named = compose.Section("volumes")?.Children.Keys.Select(Text).ToHashSet() ?? [];
        var hasNamed = Items(service["volumes"]).Any(volume => VolumeSource(volume) is { } source && named.Contains(source));
        if (!hasNamed)
        {
            yield return Error("compose-db-volume", compose, service, $"database {service.Name} keeps its data in no named volume",
                "mount a named volume (db-data:/var/lib/postgresql/data) and declare it under top-level volumes:");
        }
    }

    private static IEnumerable<Finding> DockerSocket(ComposeFile compose, ComposeService service)
    {
        foreach (var volume in Items(service["volumes"]))
        {
            if (VolumeSource(volume) is { } source && source.EndsWith("docker.sock", StringComparison.Ordinal) && !IsReadOnly(volume))
            {
                yield return Error("compose-docker-socket", compose, volume,
                    $"service {service.Name} mounts the docker socket read-write, which gives it root on the host",
                    "mount it read-only (/var/run/docker.sock:/var/run/docker.sock:ro) or use a socket proxy");
            }
        }
    }

    internal static string? VolumeSource(YamlNode volume) => volume switch
    {
        YamlScalarNode { Value: { } text } => text.Split(':')[0],
        YamlMappingNode map => Text(Get(map, "source")),
        _ => null,
    };

    internal static bool IsReadOnly(YamlNode volume) => volume switch
    {
        YamlScalarNode { Value: { } text } => text.Split(':') is { Length: >= 3 } parts && parts[2].Split(',').Contains("ro"),
        YamlMappingNode map => Text(Get(map, "read_only")) == "true",
        _ => false,
    };

    /// <summary>Services without <c>networks:</c> are on compose's default network; one network must hold them all.</summary>
    private static IEnumerable<Finding> SharedNetwork(ComposeFile compose, IReadOnlyList<ComposeService> services)
    {
        var attached = services.Where(s => s["network_mode"] is null).ToList();
        if (attached.Count < 2)
        {
            yield break;
        }

        var networksOf = attached.Select(s => Items(s["networks"]).Select(Text).OfType<string>().DefaultIfEmpty("default").ToHashSet()).ToList();
        if (!networksOf.Skip(1).Aggregate(networksOf[0], (common, next) => [.. common.Intersect(next)]).Any())
        {
            yield return new Finding("compose-network", Severity.Warning, compose.At(compose.Root).File, compose.At(compose.Root).Line,
                "the services share no network", "attach every service to one network (or leave networks: out: compose's default network holds them all)");
        }
    }

    [GeneratedRegex(@"^(docker\.io/)?(library/)?(postgres|postgis/postgis|mysql|mariadb|mongo)(:|$)", RegexOptions.IgnoreCase)]
    private static partial Regex DatabaseImage();

    [GeneratedRegex(@"(^|[-_])(prestart|migrat\w*|init|setup|seed|bootstrap|createbuckets?|collectstatic|tests?|e2e|playwright|cypress)([-_]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex OneShotName();

    [GeneratedRegex(@"alembic\s+upgrade|manage\.py\s+migrate|prestart\.sh", RegexOptions.IgnoreCase)]
    private static partial Regex OneShotCommand();

    [GeneratedRegex(@"runserver|gunicorn|uvicorn|daphne|fastapi\s+(run|dev)|\bserve\b|celery|npm|node|nginx", RegexOptions.IgnoreCase)]
    private static partial Regex ServerCommand();

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@", RegexOptions.IgnoreCase)]
    internal static partial Regex UrlCredentials();
}
