using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// Keeps each release's images under a release tag (<c>shop-staging_backend:release-0123456789ab</c>), so going back
/// to a release re-tags instead of rebuilding. A release's images are written once, right after the build of
/// that commit, and never from whatever happens to be running: the server's manifest
/// (<c>.devops-agent/images.tsv</c>: commit, repository, image id) remembers which image each build produced,
/// and a rollback trusts a kept image only when its tag still points at that id. Only images compose built for
/// this project (<c>project_service</c> by v1, <c>project-service</c> by v2) are kept.
/// </summary>
public static class ReleaseImages
{
    public const string TagPrefix = "release-";

    public const string ManifestName = "images.tsv";

    /// <summary>Exit code of <see cref="Restore"/> when the manifest has no images for the commit.</summary>
    public const int NoneKeptExitCode = 4;

    /// <summary>Exit code of <see cref="Restore"/> when a kept tag no longer points at the image its build produced.</summary>
    public const int MismatchExitCode = 5;

    public static string TagFor(string commit) => TagPrefix + DeployWorker.ShortCommit(commit);

    public static string ManifestPath(string appPath) => $"{appPath}/{ServerRelease.Folder}/{ManifestName}";

    /// <summary>
    /// Right after <c>compose build</c> of <paramref name="commit"/>: tags every image the build left as the
    /// project's <c>:latest</c> as that release, and records its id, unless the manifest already holds the
    /// release's image for that repository (written once). Prints one <c>repository id</c> line per image kept.
    /// </summary>
    public static ShellCommand KeepBuilt(ComposeCommands compose, string commit)
    {
        var manifest = Q(ManifestPath(compose.AppPath));
        var c = Q(DeployWorker.ShortCommit(commit));
        var tag = Q(TagFor(commit));
        return ShellCommand.Raw(
            $"mkdir -p {Q($"{compose.AppPath}/{ServerRelease.Folder}")} && touch {manifest} && "
            + $"for repo in $({LatestRepositories(compose.ProjectName)}); do "
            + $"id=$(docker image inspect -f '{{{{.Id}}}}' \"$repo:latest\") || exit 1; "
            + $"if ! grep -q \"^\"{c}\"\t$repo\t\" {manifest}; then docker tag \"$id\" \"$repo:\"{tag} && printf '%s\\t%s\\t%s\\n' {c} \"$repo\" \"$id\" >> {manifest} || exit 1; fi; "
            + $"echo \"$repo $id\"; done");
    }

    /// <summary>
    /// For a release the agent served before it kept manifests (nothing recorded for it): adopts the images of the
    /// running containers, once. Only called when the server records no interrupted operation, so what runs is that
    /// release.
    /// </summary>
    public static ShellCommand AdoptRunning(ComposeCommands compose, string commit)
    {
        var manifest = Q(ManifestPath(compose.AppPath));
        var c = Q(DeployWorker.ShortCommit(commit));
        var project = compose.ProjectName;
        return ShellCommand.Raw(
            $"mkdir -p {Q($"{compose.AppPath}/{ServerRelease.Folder}")} && touch {manifest} && "
            + $"if ! grep -q \"^\"{c}\"\t\" {manifest}; then "
            + $"{compose.ContainerIds().Text} | xargs -r docker inspect --format '{{{{.Config.Image}}}} {{{{.Image}}}}' | sort -u | "
            + $"while read -r image id; do repo=${{image%:*}}; case \"$repo\" in {Q(project + "_")}*|{Q(project + "-")}*) "
            + $"docker tag \"$id\" \"$repo:\"{Q(TagFor(commit))} && printf '%s\\t%s\\t%s\\n' {c} \"$repo\" \"$id\" >> {manifest} && echo \"$repo $id\";; esac; done; fi");
    }

    /// <summary>
    /// Points each repository's <c>:latest</c> at the images kept for <paramref name="commit"/>, after verifying
    /// each: the release tag must still point at the id its build recorded. Exits <see cref="NoneKeptExitCode"/>
    /// when nothing was kept for the commit and <see cref="MismatchExitCode"/> (changing nothing) when a kept
    /// image is missing or was re-tagged.
    /// </summary>
    public static ShellCommand Restore(string appPath, string commit)
    {
        var manifest = Q(ManifestPath(appPath));
        var c = Q(DeployWorker.ShortCommit(commit));
        var tag = Q(TagFor(commit));
        var lines = $"grep \"^\"{c}\"\t\" {manifest} 2>/dev/null";
        return ShellCommand.Raw(
            $"[ -n \"$({lines})\" ] || {{ echo 'no images kept for this release' >&2; exit {NoneKeptExitCode}; }}; "
            + $"{lines} | while IFS=\"$(printf '\\t')\" read -r _ repo id; do "
            + $"[ \"$(docker image inspect -f '{{{{.Id}}}}' \"$repo:\"{tag} 2>/dev/null)\" = \"$id\" ] "
            + $"|| {{ echo \"$repo:\"{tag}\" is not the image its build produced ($id)\" >&2; exit {MismatchExitCode}; }}; done || exit $?; "
            + $"{lines} | while IFS=\"$(printf '\\t')\" read -r _ repo id; do docker tag \"$id\" \"$repo:latest\" || exit 1; echo \"$repo\"; done");
    }

    /// <summary>Drops the manifest's lines for a release whose kept images can no longer be trusted (rebuilt next).</summary>
    public static ShellCommand Forget(string appPath, string commit)
    {
        var manifest = Q(ManifestPath(appPath));
        return ShellCommand.Raw($"[ -f {manifest} ] || exit 0; grep -v \"^\"{Q(DeployWorker.ShortCommit(commit))}\"\t\" {manifest} > {manifest}.tmp; mv -f {manifest}.tmp {manifest}");
    }

    /// <summary>
    /// Removes the release tags (and manifest lines) of releases other than <paramref name="keepCommits"/>; images
    /// still used by a container stay.
    /// </summary>
    public static ShellCommand Prune(string appPath, IEnumerable<string> keepCommits)
    {
        var manifest = Q(ManifestPath(appPath));
        var keep = string.Join(" ", keepCommits.Select(c => $"-e {Q(DeployWorker.ShortCommit(c) + "\t")}"));
        var matchKept = keep.Length == 0 ? "-e ''" : keep;
        return ShellCommand.Raw(
            $"[ -f {manifest} ] || exit 0; "
            + $"grep -vF {matchKept} {manifest} | while IFS=\"$(printf '\\t')\" read -r c repo id; do docker rmi \"$repo:{TagPrefix}$c\" >/dev/null 2>&1; done; "
            + $"grep -F {matchKept} {manifest} > {manifest}.tmp; mv -f {manifest}.tmp {manifest}");
    }

    /// <summary>The repositories of the project's images tagged <c>latest</c>, one per line.</summary>
    private static string LatestRepositories(string project) =>
        $"docker images --format '{{{{.Repository}}}}' --filter {Q($"reference={project}_*:latest")} --filter {Q($"reference={project}-*:latest")} | sort -u";

    private static string Q(string word) => ShellQuoting.Quote(word);
}
