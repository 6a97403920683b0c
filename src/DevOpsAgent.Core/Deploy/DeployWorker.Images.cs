using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Deploy;

public sealed partial class DeployWorker
{
    /// <summary>
    /// The release's images on this host, tagged <c>latest</c> and kept as the release's: built here — and pushed,
    /// when this host builds for a fleet — or pulled from the fleet's registry. Either way nothing serving changed yet:
    /// a failure puts the previous release's kept images back (<see cref="UndoPrepareAsync"/>).
    /// </summary>
    private async Task ObtainImagesAsync(DeployRequest request, DeploySteps steps, DeployState state, ComposeCommands compose, string commit, string version, CancellationToken ct)
    {
        state.Built = true;
        if (request.Images is SharedImages.Pull pull)
        {
            await steps.RunAsync("pull", () => PullAsync(steps, compose, pull, ct), ct);
        }
        else
        {
            await steps.RunAsync("build", () => steps.CommandAsync(compose.Build(), ct, streamOutput: true), ct);
        }

        var kept = "";
        await steps.RunAsync("keep images", async () =>
        {
            kept = (await steps.CommandAsync(ReleaseImages.KeepBuilt(compose, commit), ct)).StandardOutput;
            return $"{kept.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} image(s) of {version} kept as {ReleaseImages.TagFor(commit)}";
        }, ct);

        if (request.Images is SharedImages.Push push)
        {
            await steps.RunAsync("push", () => PushAsync(steps, compose, push, commit, kept, request.DryRun, ct), ct);
        }
    }

    private static async Task<string> PushAsync(DeploySteps steps, ComposeCommands compose, SharedImages.Push push, string commit, string kept, bool dryRun, CancellationToken ct)
    {
        var pushed = new List<PushedImage>();
        foreach (var (service, id) in RegistryImages.Built(compose, kept))
        {
            var image = RegistryImages.ImageFor(push.Registry, compose, service, commit);
            await steps.CommandAsync(RegistryImages.Tag(id, image), ct);
            var output = (await steps.CommandAsync(RegistryImages.Push(image), ct)).StandardOutput;
            await steps.CommandAsync(RegistryImages.Untag(image), ct);
            pushed.Add(new PushedImage(service, RegistryImages.PinnedReference(image, output) ?? (dryRun ? image
                : throw new DevOpsAgentException($"`docker push {image}` on {steps.Runner.Target} printed no digest: the other hosts could not pull exactly this image", ExitCodes.CommandFailed))));
        }

        push.Exchange.Publish(pushed);
        return pushed.Count == 0 ? "nothing built to push" : $"{pushed.Count} image(s) pushed to {push.Registry}: {string.Join(", ", pushed.Select(p => p.Reference))}";
    }

    private static async Task<string> PullAsync(DeploySteps steps, ComposeCommands compose, SharedImages.Pull pull, CancellationToken ct)
    {
        var images = await pull.Exchange.WaitAsync(ct);
        foreach (var image in images)
        {
            await steps.CommandAsync(RegistryImages.Pull(image.Reference), ct);
            await steps.CommandAsync(RegistryImages.TagAsBuilt(compose, image.Service, image.Reference), ct);
        }

        return images.Count == 0 ? "nothing to pull: the first host built no image" : $"{images.Count} image(s) from {pull.Registry}, not built here";
    }
}
