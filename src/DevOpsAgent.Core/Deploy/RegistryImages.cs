using System.Text.RegularExpressions;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Swarm;

namespace DevOpsAgent.Core.Deploy;

/// <summary>One image of a release in the environment's registry, pinned by its digest (<c>10.77.0.1:5000/shop-production-backend@sha256:…</c>).</summary>
public sealed record PushedImage(string Service, string Reference);

/// <summary>
/// A compose fleet's release images through its registry (<c>registry:</c> with <c>hosts:</c>). The first host builds
/// as always; each image compose built is tagged as the Swarm engine names a release image
/// (<see cref="SwarmStackFile.ImageFor"/>) and pushed. The other hosts pull it by digest — exactly the image that was
/// built, whatever the tag points at by then — and tag it with the name compose gives the service's build, so
/// <c>compose up</c> starts it without building and <see cref="ReleaseImages"/> keeps it as the release's, as it keeps
/// a local build (a rollback re-tags it; nothing else changes). Pure: builds, never runs.
/// </summary>
public static partial class RegistryImages
{
    /// <summary>
    /// The registry image of a service's build: <c>&lt;registry&gt;/&lt;compose project&gt;-&lt;service&gt;:&lt;commit12&gt;</c>. The
    /// compose project (<c>shop-production</c>), not the bare project: two environments build the same commit with
    /// their own build arguments, and neither may overwrite the other's tag.
    /// </summary>
    public static string ImageFor(string registry, ComposeCommands compose, string service, string commit) =>
        SwarmStackFile.ImageFor(registry, compose.ProjectName, service, SwarmStack.ReleaseTag(commit));

    /// <summary>
    /// The services whose images <see cref="ReleaseImages.KeepBuilt"/> kept (its <c>repository id</c> lines), with the
    /// image id each build produced.
    /// </summary>
    public static IReadOnlyList<(string Service, string Id)> Built(ComposeCommands compose, string keptOutput) =>
        [.. keptOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts.Length == 2 && ServiceOf(compose, parts[0]) is not null)
            .Select(parts => (ServiceOf(compose, parts[0])!, parts[1]))];

    /// <summary>Tags the image a build produced (by id, not by a name a later build could move) for the registry.</summary>
    public static ShellCommand Tag(string id, string image) => ShellCommand.Of("docker", "tag", id, image);

    /// <summary>The push itself is the Swarm engine's.</summary>
    public static ShellCommand Push(string image) => SwarmCommands.Push(image);

    /// <summary>
    /// Drops the registry tag once pushed: the image stays under its <c>latest</c> and release tags, which
    /// <see cref="ReleaseImages.Prune"/> removes with the release — a registry tag left behind would keep every release's
    /// images on the building host for ever.
    /// </summary>
    public static ShellCommand Untag(string image) => ShellCommand.Of("docker", "rmi", image);

    /// <summary>
    /// <c>image@sha256:…</c> from what <c>docker push</c> printed (<c>abc: digest: sha256:… size: 1234</c>); null when it
    /// printed no digest.
    /// </summary>
    public static string? PinnedReference(string image, string pushOutput)
    {
        var digest = Digest().Match(pushOutput);
        if (!digest.Success)
        {
            return null;
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return (colon > slash ? image[..colon] : image) + "@" + digest.Groups[1].Value;
    }

    /// <summary>Pulls a pushed image by digest; an image this host already has is not fetched again.</summary>
    public static ShellCommand Pull(string reference) => ShellCommand.Of("docker", "pull", "--quiet", reference);

    /// <summary>Tags a pulled image as the <c>latest</c> of the name compose gives the service's build, where compose looks for it.</summary>
    public static ShellCommand TagAsBuilt(ComposeCommands compose, string service, string reference) =>
        ShellCommand.Of("docker", "tag", reference, $"{LocalName(compose, service)}:latest");

    /// <summary>The name compose gives a service's build: <c>project-service</c> (v2), <c>project_service</c> (v1).</summary>
    public static string LocalName(ComposeCommands compose, string service) =>
        compose.ProjectName + (compose.Flavor == ComposeFlavor.V1 ? "_" : "-") + service;

    private static string? ServiceOf(ComposeCommands compose, string repository) =>
        repository.Length > compose.ProjectName.Length + 1 && repository.StartsWith(compose.ProjectName, StringComparison.Ordinal)
            && repository[compose.ProjectName.Length] is '-' or '_'
            ? repository[(compose.ProjectName.Length + 1)..]
            : null;

    [GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex Digest();
}
