using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.ZeroDowntime;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Swarm;

/// <summary>
/// What the agent-managed edge forwards to: the entry service of the stack (its Swarm DNS name on the edge's
/// network), the container port, and the port the edge publishes on every node as the compose file wrote it
/// (<c>${HTTP_PORT:-8080}</c>, interpolated by <c>stack deploy</c> from the .env).
/// </summary>
public sealed record SwarmEdgeTarget(string Stack, string Service, string PublishedPort, int TargetPort)
{
    /// <summary>The edge's own stack, never touched by an app deploy.</summary>
    public string EdgeStack => $"{Stack}-edge";

    /// <summary>The overlay network the edge creates and the entry service joins (external to the app stack).</summary>
    public string Network => $"{Stack}-edge";

    /// <summary>The DNS name that answers with the address of every running task of the entry service.</summary>
    public string TasksName => $"tasks.{Stack}_{Service}";
}

public sealed partial class SwarmStackFile
{
    /// <summary>The key of the edge's network in the generated stack file.</summary>
    public const string EdgeNetworkKey = "devops-agent-edge";

    /// <summary>The signal a draining task gets: none that a process acts on (its default action is to ignore it).</summary>
    public const string DrainSignal = "SIGURG";

    /// <summary>The edge in front of this stack; null without <c>swarm: edge:</c>.</summary>
    public SwarmEdgeTarget? Edge { get; }

    private static SwarmEdgeTarget? EdgeTarget(ComposeFile model, SwarmConfig swarm, string stack)
    {
        if (swarm.Edge is not { } edge)
        {
            return null;
        }

        var names = model.Services.Select(s => s.Name).ToList();
        ComposeService entry;
        if (edge.Service is { } named)
        {
            entry = model.Services.FirstOrDefault(s => s.Name == named)
                ?? throw new InvalidInputException($"swarm/edge/service: '{InputText.Quote(named)}' is not a service of the compose files ({string.Join(", ", names)})");
        }
        else
        {
            var publishing = model.Services.Where(s => s["ports"] is not null).ToList();
            entry = publishing.Count == 1 ? publishing[0]
                : throw new InvalidInputException(publishing.Count == 0
                    ? "swarm/edge: no service publishes a port (ports:); publish the entry service's port, the edge takes it over"
                    : $"swarm/edge: several services publish ports ({string.Join(", ", publishing.Select(s => s.Name))}); name the entry one in swarm/edge/service");
        }

        var ports = PortMapping.All(entry);
        if (ports.Count != 1 || ports[0].Protocol != "tcp")
        {
            throw new InvalidInputException($"services/{entry.Name}/ports: the edge takes over exactly one TCP port of the entry service (found {ports.Count}: {string.Join(", ", ports.Select(p => p.Raw))})");
        }

        var (_, published) = SplitHost(ports[0].Host);
        if (published.Length == 0)
        {
            throw new InvalidInputException($"services/{entry.Name}/ports: '{InputText.Quote(ports[0].Raw)}' publishes no host port; the edge needs one (published:target)");
        }

        return new SwarmEdgeTarget(stack, entry.Name, published, ports[0].ContainerPort);
    }

    private static YamlNode WithEdgeNetwork(YamlNode networks) => networks switch
    {
        YamlSequenceNode list => new YamlSequenceNode([.. list.Children, new YamlScalarNode(EdgeNetworkKey)]),
        YamlMappingNode map => new YamlMappingNode([.. map.Children, KeyValuePair.Create<YamlNode, YamlNode>(new YamlScalarNode(EdgeNetworkKey), new YamlMappingNode())]),
        _ => networks,
    };

    private static void AddEdgeNetwork(YamlMappingNode root, SwarmEdgeTarget edge)
    {
        var key = new YamlScalarNode("networks");
        if (!root.Children.TryGetValue(key, out var networks))
        {
            networks = new YamlMappingNode();
            root.Add(key, networks);
        }

        ((YamlMappingNode)networks).Add(EdgeNetworkKey, new YamlMappingNode { { "external", "true" }, { "name", edge.Network } });
    }

    /// <summary>
    /// Swarm takes a replaced task out of DNS and then signals it at once; callers that cache DNS (nginx's resolver
    /// keeps an answer <c>valid=10s</c>) still send to it. Swarm has no pre-stop hook, so the stop signal becomes one
    /// the process ignores and the grace period the drain: the task keeps serving until Swarm kills it.
    /// </summary>
    private static void Drain(ComposeService service, YamlMappingNode copy, TimeSpan drain, List<string> notes)
    {
        if (service["stop_signal"] is not null)
        {
            notes.Add($"services/{service.Name}/stop_signal: kept; the service is not drained (it stops when Swarm takes it out of DNS)");
            return;
        }

        if (service["stop_grace_period"] is not null)
        {
            notes.Add($"services/{service.Name}/stop_grace_period: replaced by the drain ({GoDuration(drain)})");
            copy.Children.Remove(new YamlScalarNode("stop_grace_period"));
        }

        copy.Add("stop_signal", DrainSignal);
        copy.Add("stop_grace_period", GoDuration(drain));
    }
}
