using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// A fleet host's part in building a release once (an environment with <c>registry:</c> and several hosts): the
/// first host builds, pushes and <see cref="ImageExchange.Publish">publishes</see> the images; every other host
/// waits for them (with <c>canary: false</c> it fetches and checks out meanwhile) and pulls them instead of building.
/// </summary>
public abstract record SharedImages(string Registry, ImageExchange Exchange)
{
    /// <summary>Build here, push to the registry, publish.</summary>
    public sealed record Push(string Registry, ImageExchange Exchange) : SharedImages(Registry, Exchange);

    /// <summary>Wait for the published images, pull them.</summary>
    public sealed record Pull(string Registry, ImageExchange Exchange) : SharedImages(Registry, Exchange);
}

/// <summary>Where the building host hands the pushed images to the others, once.</summary>
public sealed class ImageExchange
{
    private readonly TaskCompletionSource<IReadOnlyList<PushedImage>> _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Publish(IReadOnlyList<PushedImage> images) => _published.TrySetResult(images);

    /// <summary>The building host ended without publishing: the hosts waiting fail instead of waiting forever.</summary>
    public void Withdraw(string reason) => _published.TrySetException(new DevOpsAgentException(reason, ExitCodes.CommandFailed));

    public Task<IReadOnlyList<PushedImage>> WaitAsync(CancellationToken cancellationToken) => _published.Task.WaitAsync(cancellationToken);
}
