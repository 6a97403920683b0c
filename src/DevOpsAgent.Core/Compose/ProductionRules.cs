using System.Text.RegularExpressions;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;
using static DevOpsAgent.Core.Compose.ComposeLint;

namespace DevOpsAgent.Core.Compose;

/// <summary>The seed's production rules: code is built into images, only the reverse proxy is published, services restart.</summary>
public static partial class ProductionRules
{
    public static IEnumerable<Finding> Run(ComposeFile compose)
    {
        foreach (var service in compose.Services)
        {
            foreach (var volume in Items(service["volumes"]))
            {
                var source = VolumeSource(volume);
                var bind = volume is YamlMappingNode map && Text(Get(map, "type")) == "bind";
                if (source is not null && (source.StartsWith('.') || source.StartsWith('~') || (bind && !source.StartsWith('/'))))
                {
                    yield return Error("compose-prod-code-mount", compose, ComposeFile.Line(volume),
                        $"service {service.Name} mounts {source} from the host in production",
                        "build the code into the image (COPY in the Dockerfile) and drop the bind mount");
                }
            }

            if (service["ports"] is YamlSequenceNode ports && ports.Children.Count > 0 && !IsProxy(service))
            {
                yield return Error("compose-prod-published-port", compose, ComposeFile.Line(ports),
                    $"service {service.Name} publishes a port in production; only the reverse proxy should",
                    "remove ports: and reach it through the reverse proxy on the internal network");
            }

            var restart = Text(service["restart"]);
            var deployRestart = service["deploy"] is YamlMappingNode deploy && deploy.Children.ContainsKey(new YamlScalarNode("restart_policy"));
            if ((restart is null or "no") && !deployRestart)
            {
                yield return Error("compose-prod-restart", compose, service.Line, $"service {service.Name} has no restart policy",
                    "add restart: unless-stopped");
            }
        }
    }

    /// <summary>nginx, traefik, caddy or haproxy by image, or a service named like a proxy or the web front.</summary>
    private static bool IsProxy(ComposeService service) =>
        ProxyName().IsMatch(service.Name) || (Text(service["image"]) is { } image && ProxyImage().IsMatch(image));

    [GeneratedRegex(@"^(nginx|proxy|reverse-proxy|traefik|caddy|haproxy|frontend|web|gateway|edge)$", RegexOptions.IgnoreCase)]
    private static partial Regex ProxyName();

    [GeneratedRegex(@"(^|/)(nginx|traefik|caddy|haproxy)(:|$|-)", RegexOptions.IgnoreCase)]
    private static partial Regex ProxyImage();
}
