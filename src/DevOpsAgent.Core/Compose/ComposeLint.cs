using System.Text.RegularExpressions;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The seed's compose patterns and pitfalls as rules: health checks everywhere, depends_on waits for
/// health, the database keeps its data in a named volume, services share a bridge network, no literal
/// secrets; plus <see cref="ProductionRules"/> for the production variant.
/// </summary>
public static partial class ComposeLint
{
    public static IReadOnlyList<Finding> Run(ComposeFile compose)
    {
        var findings = new List<Finding>();
        var services = compose.Services;
        foreach (var service in services)
        {
            findings.AddRange(Healthcheck(compose, service));
            findings.AddRange(DependsOn(compose, service));
            findings.AddRange(DatabaseVolume(compose, service));
        }

        findings.AddRange(SharedNetwork(compose, services));
        findings.AddRange(LiteralSecrets(compose));
        if (compose.IsProduction)
        {
            findings.AddRange(ProductionRules.Run(compose));
        }

        return Findings.Sorted(findings);
    }

    internal static Finding Error(string rule, ComposeFile compose, int line, string message, string fix) =>
        new(rule, Severity.Error, compose.Path, line, message, fix);

    internal static string? Text(YamlNode? node) => (node as YamlScalarNode)?.Value;

    internal static YamlNode? Get(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static IReadOnlyList<YamlNode> Items(YamlNode? node) => node switch
    {
        YamlSequenceNode list => [.. list.Children],
        YamlMappingNode map => [.. map.Children.Keys],
        YamlScalarNode scalar => [scalar],
        _ => [],
    };

    /// <summary>postgres, mysql, mariadb and mongo images.</summary>
    internal static bool IsDatabase(ComposeService service) =>
        Text(service["image"]) is { } image && DatabaseImage().IsMatch(image);

    private static IEnumerable<Finding> Healthcheck(ComposeFile compose, ComposeService service)
    {
        var check = service["healthcheck"] as YamlMappingNode;
        if (check is null || Text(Get(check, "disable")) == "true")
        {
            yield return Error("compose-healthcheck", compose, service.Line, $"service {service.Name} has no healthcheck",
                IsDatabase(service) ? "add healthcheck: test: [\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER}\"]"
                    : "add a healthcheck (e.g. test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8000/health\"])");
        }
    }

    private static IEnumerable<Finding> DependsOn(ComposeFile compose, ComposeService service)
    {
        switch (service["depends_on"])
        {
            case YamlSequenceNode list:
                foreach (var dependency in list.Children)
                {
                    yield return Error("compose-depends-on-healthy", compose, ComposeFile.Line(dependency),
                        $"service {service.Name} starts without waiting for {Text(dependency)} to be healthy",
                        $"use the long form: depends_on: {{ {Text(dependency)}: {{ condition: service_healthy }} }}");
                }

                break;
            case YamlMappingNode map:
                foreach (var (name, options) in map.Children)
                {
                    var condition = options is YamlMappingNode o ? Text(Get(o, "condition")) : null;
                    if (condition is not ("service_healthy" or "service_completed_successfully"))
                    {
                        yield return Error("compose-depends-on-healthy", compose, ComposeFile.Line(name),
                            $"service {service.Name} starts without waiting for {Text(name)} to be healthy",
                            "set condition: service_healthy");
                    }
                }

                break;
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
            yield return Error("compose-db-volume", compose, service.Line, $"database {service.Name} keeps its data in no named volume",
                "mount a named volume (db-data:/var/lib/postgresql/data) and declare it under top-level volumes:");
        }
    }

    internal static string? VolumeSource(YamlNode volume) => volume switch
    {
        YamlScalarNode { Value: { } text } => text.Split(':')[0],
        YamlMappingNode map => Text(Get(map, "source")),
        _ => null,
    };

    private static IEnumerable<Finding> SharedNetwork(ComposeFile compose, IReadOnlyList<ComposeService> services)
    {
        if (services.Count < 2)
        {
            yield break;
        }

        var bridges = compose.Section("networks")?.Children
            .Where(n => n.Value is not YamlMappingNode options
                || (Text(Get(options, "driver")) ?? "bridge") == "bridge")
            .Select(n => Text(n.Key)).ToHashSet() ?? [];
        var shared = bridges.Any(network => services.All(s => Items(s["networks"]).Any(n => Text(n) == network)));
        if (!shared)
        {
            yield return new Finding("compose-network", Severity.Warning, compose.Path, ComposeFile.Line(compose.Root),
                "the services share no declared bridge network",
                "declare networks: { app: { driver: bridge } } and attach every service to it");
        }
    }

    private static IEnumerable<Finding> LiteralSecrets(ComposeFile compose)
    {
        foreach (var service in compose.Services)
        {
            var environment = service["environment"];
            IEnumerable<(string Key, string? Value, YamlNode Node)> variables = environment switch
            {
                YamlMappingNode map => map.Children.Select(c => (Text(c.Key) ?? "", Text(c.Value), c.Value)),
                YamlSequenceNode list => list.Children.OfType<YamlScalarNode>()
                    .Select(s => (s.Value!.Split('=', 2)[0], s.Value.Contains('=', StringComparison.Ordinal) ? s.Value.Split('=', 2)[1] : null, (YamlNode)s)),
                _ => [],
            };
            foreach (var (key, value, node) in variables)
            {
                if (SecretHeuristics.IsSecretName(key) && !string.IsNullOrEmpty(value) && !value.Contains('$', StringComparison.Ordinal))
                {
                    yield return Error("compose-literal-secret", compose, ComposeFile.Line(node),
                        $"{key} of service {service.Name} is written in the compose file",
                        $"use {key}: ${{{key}:?set {key} in .env}} and put the value in .env");
                }
            }
        }

        foreach (var (scalar, _) in ComposeFile.Scalars(compose.Root))
        {
            if (scalar.Value is { } text && UrlCredentials().Match(text) is { Success: true } match && !match.Groups[1].Value.Contains('$', StringComparison.Ordinal))
            {
                yield return Error("compose-literal-secret", compose, ComposeFile.Line(scalar),
                    "a URL carries a literal password", "interpolate it: postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/app");
            }
        }
    }

    [GeneratedRegex(@"^(docker\.io/)?(library/)?(postgres|postgis/postgis|mysql|mariadb|mongo)(:|$)", RegexOptions.IgnoreCase)]
    private static partial Regex DatabaseImage();

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@", RegexOptions.IgnoreCase)]
    internal static partial Regex UrlCredentials();
}
