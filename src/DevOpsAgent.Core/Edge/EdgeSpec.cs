using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Edge;

/// <summary>One of the two copies of a stack's stateless services; written lower-case in names (<c>shop-production-blue</c>).</summary>
public enum Slot
{
    Blue,
    Green,
}

public static class Slots
{
    public static string Name(this Slot slot) => slot == Slot.Blue ? "blue" : "green";

    public static Slot Other(this Slot slot) => slot == Slot.Blue ? Slot.Green : Slot.Blue;

    /// <summary>The slot named <paramref name="name"/> (<c>blue</c>, <c>green</c>), or null for any other name.</summary>
    public static Slot? Parse(string name) => name switch
    {
        "blue" => Slot.Blue,
        "green" => Slot.Green,
        _ => null,
    };
}

/// <summary>
/// The edge of one environment: the HAProxy that owns the published port and forwards to the live slot.
/// </summary>
/// <param name="Project">The base compose project (<c>shop-production</c>); the edge and its network are <c>{Project}-edge</c>.</param>
/// <param name="AppPath">The app folder on the server; the edge's files live in <c>{AppPath}/.devops-agent/edge/</c>.</param>
/// <param name="PublishedPort">The host side of the user's port mapping as written, <c>${HTTP_PORT:-8080}</c> or <c>127.0.0.1:8080</c>.</param>
/// <param name="EntryPort">The container port of the slot's entry service (80 for the nginx frontend).</param>
/// <param name="HealthPath">What HAProxy's check asks each slot, <c>/</c>.</param>
public sealed partial record EdgeSpec(string Project, string AppPath, string PublishedPort, int EntryPort, string HealthPath)
{
    public string EdgeProject => $"{Project}-edge";

    public string Network => $"{Project}-edge";

    /// <summary>The DNS alias the slot's entry service has on the edge network.</summary>
    public string ServerAddress(Slot slot) => $"{Project}-{slot.ToString().ToLowerInvariant()}";

    /// <summary>The edge's folder on the server, relative to the app folder (the compose file mounts it by this path).</summary>
    public const string Folder = ".devops-agent/edge";

    /// <summary>
    /// Refuses values that would not survive being written into haproxy.cfg or the compose file as they are:
    /// the file formats have no quoting that every value could go through, so the values are kept plain.
    /// </summary>
    public EdgeSpec Validated()
    {
        if (!ProjectPattern().IsMatch(Project))
        {
            throw new InvalidInputException($"edge: project '{InputText.Quote(Project)}' should be lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }

        if (!AppPath.StartsWith('/') || AppPath.Any(c => char.IsControl(c)))
        {
            throw new InvalidInputException($"edge: app path '{InputText.Quote(AppPath)}' should be an absolute path");
        }

        if (!PublishedPortPattern().IsMatch(PublishedPort))
        {
            throw new InvalidInputException($"edge: published port '{InputText.Quote(PublishedPort)}' should be a port, ip:port or ${{VAR:-default}} as in a compose port mapping");
        }

        if (EntryPort is < 1 or > 65535)
        {
            throw new InvalidInputException($"edge: entry port {EntryPort} should be between 1 and 65535");
        }

        if (!HealthPathPattern().IsMatch(HealthPath))
        {
            throw new InvalidInputException($"edge: health path '{InputText.Quote(HealthPath)}' should start with '/' and contain no spaces or quotes");
        }

        return this;
    }

    // Compose project names: lower-case alphanumerics, '-' and '_' (compose v2 refuses anything else).
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ProjectPattern();

    // A compose short-syntax host side: [ip:]port, where each part may be a ${VAR} or ${VAR:-default}.
    [GeneratedRegex(@"^(\[[0-9a-fA-F:.]+\]:|[0-9]{1,3}(\.[0-9]{1,3}){3}:|\$\{[A-Za-z_][A-Za-z0-9_]*(:?-[0-9.]*)?\}:)?([0-9]{1,5}|\$\{[A-Za-z_][A-Za-z0-9_]*(:?-[0-9]{1,5})?\})$")]
    private static partial Regex PublishedPortPattern();

    // haproxy.cfg expands $VAR in unquoted words and starts a comment at '#', so the health path has neither.
    [GeneratedRegex(@"^/[A-Za-z0-9._~!&()*+,;=:@%/?-]*$")]
    private static partial Regex HealthPathPattern();
}
