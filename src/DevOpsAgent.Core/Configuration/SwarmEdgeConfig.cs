using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Configuration;

/// <summary>
/// <c>swarm: edge:</c> — an HAProxy stack of its own (<c>&lt;stack&gt;-edge</c>, one task per node, the entry service's
/// published port bound <c>mode: host</c>) that app deploys never update: it finds the entry service's tasks through
/// Swarm's DNS (<c>tasks.&lt;stack&gt;_&lt;service&gt;</c>), so a start-first update of the entry service is only new
/// addresses to it, and a connection refused by a stopping task is retried on another one.
/// <code>
/// edge: true                  # every default
/// edge:
///   service: frontend         # the entry service; default: the only service with ports:
///   image: haproxy:2.6        # every node must have it or pull it
///   health: /                 # what HAProxy asks each task (1s interval)
/// </code>
/// </summary>
public sealed partial record SwarmEdgeConfig
{
    public const string DefaultImage = "haproxy:2.6";

    /// <summary>The drain the edge implies (see <see cref="SwarmConfig.Drain"/>): longer than nginx's 10s resolver cache.</summary>
    public static readonly TimeSpan DefaultDrain = TimeSpan.FromSeconds(15);

    /// <summary>The entry service; null: the only service of the compose files that publishes a port.</summary>
    public string? Service { get; init; }

    public string Image { get; init; } = DefaultImage;

    public string HealthPath { get; init; } = "/";

    internal static SwarmEdgeConfig? Read(ConfigReader reader, ConfigMapping swarm)
    {
        var node = swarm["edge"];
        if (node is null)
        {
            return null;
        }

        if (node is ConfigScalar)
        {
            return reader.Boolean(swarm, "edge", false) ? new SwarmEdgeConfig() : null;
        }

        var edge = reader.Mapping(node);
        if (edge is null)
        {
            return null;
        }

        reader.AllowOnly(edge, "service", "image", "health");
        var service = reader.String(edge, "service");
        if (service is not null && !ServicePattern().IsMatch(service))
        {
            reader.Problem(edge["service"]!, "should be a service name of the compose files (letters, digits, '.', '_', '-')");
        }

        var image = reader.String(edge, "image") ?? DefaultImage;
        if (!ImagePattern().IsMatch(image))
        {
            reader.Problem(edge["image"]!, "should be an image reference such as haproxy:2.6 or registry:5000/haproxy:2.6");
        }

        var health = reader.String(edge, "health") ?? "/";
        if (!HealthPattern().IsMatch(health))
        {
            reader.Problem(edge["health"]!, "should be a path starting with '/', without spaces, quotes or '#'");
        }

        return new SwarmEdgeConfig { Service = service, Image = image, HealthPath = health };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex ServicePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._/:@-]*$")]
    private static partial Regex ImagePattern();

    // haproxy.cfg expands $VAR in unquoted words and starts a comment at '#'.
    [GeneratedRegex(@"^/[A-Za-z0-9._~!&()*+,;=:@%/?-]*$")]
    private static partial Regex HealthPattern();
}
