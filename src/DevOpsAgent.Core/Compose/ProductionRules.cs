using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;
using static DevOpsAgent.Core.Compose.ComposeLint;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The seed's production rules: code is built into images (read-only configuration mounts are not code),
/// no database or cache is reachable from outside, only the reverse proxy is published, long-running
/// services restart (one-shot jobs need not).
/// </summary>
public static partial class ProductionRules
{
    private static readonly int[] DataPorts = [5432, 3306, 27017, 6379, 11211, 5672, 9200];

    public static IEnumerable<Finding> Run(ComposeFile compose, IReadOnlySet<string> jobs)
    {
        foreach (var service in compose.Services)
        {
            foreach (var volume in Items(service["volumes"]))
            {
                var source = VolumeSource(volume);
                var bind = volume is YamlMappingNode map && Text(Get(map, "type")) == "bind";
                if (source is not null && (source.StartsWith('.') || source.StartsWith('~') || (bind && !source.StartsWith('/')))
                    && !IsReadOnly(volume) && !ConfigSource().IsMatch(source) && !IsDatabase(service))
                {
                    yield return Error("compose-prod-code-mount", compose, volume,
                        $"service {service.Name} mounts {source} from the host in production",
                        "build the code into the image (COPY in the Dockerfile) and drop the bind mount");
                }
            }

            var published = Items(service["ports"]).Where(p => !IsLoopback(p)).ToList();
            if (published.Count > 0 && IsDataStore(service, published))
            {
                yield return Error("compose-prod-db-port", compose, published[0],
                    $"service {service.Name} publishes a database or cache port on every interface in production",
                    "remove ports: (services reach it on the internal network) or bind it to 127.0.0.1");
            }
            else if (published.Count > 0 && !IsProxy(service))
            {
                yield return Error("compose-prod-published-port", compose, published[0],
                    $"service {service.Name} publishes a port in production; only the reverse proxy should",
                    "remove ports: and reach it through the reverse proxy on the internal network");
            }

            var restart = Text(service["restart"]);
            var deployRestart = service["deploy"] is YamlMappingNode deploy && deploy.Children.ContainsKey(new YamlScalarNode("restart_policy"));
            if (restart is null && !deployRestart && !jobs.Contains(service.Name))
            {
                yield return Error("compose-prod-restart", compose, service, $"service {service.Name} has no restart policy",
                    "add restart: unless-stopped");
            }
        }
    }

    /// <summary><c>127.0.0.1:5432:5432</c> and the long form with <c>host_ip: 127.0.0.1</c>.</summary>
    private static bool IsLoopback(YamlNode port) => port switch
    {
        YamlScalarNode { Value: { } text } => text.StartsWith("127.", StringComparison.Ordinal) || text.StartsWith("localhost:", StringComparison.Ordinal)
            || text.StartsWith("[::1]", StringComparison.Ordinal),
        YamlMappingNode map => Text(Get(map, "host_ip")) is { } ip && (ip.StartsWith("127.", StringComparison.Ordinal) || ip == "::1"),
        _ => false,
    };

    private static bool IsDataStore(ComposeService service, IEnumerable<YamlNode> ports) =>
        (Text(service["image"]) is { } image && DataImage().IsMatch(image))
        || ports.Any(p => ContainerPort(p) is { } port && DataPorts.Contains(port));

    private static int? ContainerPort(YamlNode port)
    {
        var text = port switch
        {
            YamlScalarNode { Value: { } value } => value.Split('/')[0].Split(':')[^1],
            YamlMappingNode map => Text(Get(map, "target")),
            _ => null,
        };
        return int.TryParse(text, out var number) ? number : null;
    }

    /// <summary>nginx, traefik, caddy or haproxy by image, or a service named like a proxy or the web front.</summary>
    private static bool IsProxy(ComposeService service) =>
        ProxyName().IsMatch(service.Name) || (Text(service["image"]) is { } image && ProxyImage().IsMatch(image));

    [GeneratedRegex(@"^(nginx|proxy|reverse-proxy|traefik|caddy|haproxy|frontend|web|gateway|edge)$", RegexOptions.IgnoreCase)]
    private static partial Regex ProxyName();

    [GeneratedRegex(@"(^|/)(nginx|traefik|caddy|haproxy)(:|$|-)", RegexOptions.IgnoreCase)]
    private static partial Regex ProxyImage();

    [GeneratedRegex(@"(^|/)(postgres|postgis/postgis|mysql|mariadb|mongo|redis|valkey|keydb|memcached|rabbitmq|elasticsearch)(:|$|-)", RegexOptions.IgnoreCase)]
    private static partial Regex DataImage();

    /// <summary>Configuration, certificates and provisioning, not code: nginx.conf, certs/, grafana/provisioning…</summary>
    [GeneratedRegex(@"\.(conf|crt|pem|key|cert|toml|ini|json|ya?ml|cnf|htpasswd)$|(^|/)(certs?|ssl|letsencrypt|certbot|provisioning|nginx|conf|config)(/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex ConfigSource();
}
