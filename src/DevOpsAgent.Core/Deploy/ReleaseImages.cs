using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// Keeps each release's images under a release tag (<c>shop-staging_backend:release-0123456789ab</c>), so going
/// back to a release re-tags instead of rebuilding. Only images compose built for this project are kept.
/// </summary>
public static class ReleaseImages
{
    public const string TagPrefix = "release-";

    public static string TagFor(string commit) => TagPrefix + DeployWorker.ShortCommit(commit);

    /// <summary>Image name and id of every running container of the stack.</summary>
    public static ShellCommand Inspect(ComposeCommands compose) =>
        compose.ContainerIds().Pipe(ShellCommand.Of("xargs", "-r", "docker", "inspect", "--format", "{{.Config.Image}}\t{{.Image}}"));

    /// <summary>The project's own images (named <c>project_service</c> by v1, <c>project-service</c> by v2).</summary>
    public static IReadOnlyList<(string Repository, string Id)> Parse(string output, string project) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2)
            .Select(fields => (Repository: Repository(fields[0]), Id: fields[1]))
            .Where(image => image.Repository.StartsWith(project + "_", StringComparison.Ordinal) || image.Repository.StartsWith(project + "-", StringComparison.Ordinal))
            .Distinct()];

    /// <summary>Tags the given images as a release.</summary>
    public static ShellCommand Keep(IEnumerable<(string Repository, string Id)> images, string commit) =>
        Chain(images.Select(image => ShellCommand.Of("docker", "tag", image.Id, $"{image.Repository}:{TagFor(commit)}")));

    /// <summary>Points each repository's <c>latest</c> back at a release's images; fails when one is missing.</summary>
    public static ShellCommand Restore(IEnumerable<string> repositories, string commit) =>
        Chain(repositories.Select(repository => ShellCommand.Of("docker", "tag", $"{repository}:{TagFor(commit)}", $"{repository}:latest")));

    /// <summary>Removes release tags of these repositories other than the ones to keep (images still used stay).</summary>
    public static ShellCommand Prune(IEnumerable<string> repositories, IEnumerable<string> keepCommits)
    {
        var keep = string.Join(" ", keepCommits.Select(c => $"-e {ShellQuoting.Quote(TagFor(c))}"));
        return Chain(repositories.Select(repository => ShellCommand.Raw(
            $"docker images --format '{{{{.Tag}}}}' {ShellQuoting.Quote(repository)} | grep '^{TagPrefix}' | grep -vxF {(keep.Length == 0 ? "-e ''" : keep)}"
            + $" | xargs -r -I TAG docker rmi -f {ShellQuoting.Quote(repository)}:TAG >/dev/null; true")));
    }

    private static string Repository(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[..colon] : image;
    }

    private static ShellCommand Chain(IEnumerable<ShellCommand> commands) =>
        commands.Aggregate((ShellCommand?)null, (all, next) => all is null ? next : all.And(next)) ?? ShellCommand.Of("true");
}
