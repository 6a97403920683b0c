using System.Text;
using System.Threading.Channels;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Secrets;
using Microsoft.AspNetCore.Http;

namespace DevOpsAgent.Dashboard;

public sealed partial class DashboardServer
{
    /// <summary>Lines a log page may ask for before following.</summary>
    public const int LogTail = 100;

    private async Task EnvironmentPageAsync(HttpContext http, string environment)
    {
        var target = Environment(environment);
        var service = http.Request.Query["service"].ToString() is { Length: > 0 } named ? ServiceName.Validate(named) : null;
        var view = _status.Get(target);
        Panel<LockStatus> lockPanel;
        Panel<IReadOnlyList<BackupFile>> backups;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(context.StatusTimeout);
        try
        {
            await using var runner = await context.ConnectAsync(target, timeout.Token);
            lockPanel = await Read(() => DeployLock.StatusAsync(runner, target.Path, DeployLock.DefaultStaleAfter, timeout.Token));
            backups = await Read(() => BackupWorker.ListAsync(runner, target.Path, timeout.Token));
        }
        catch (Exception error) when (error is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            var line = timeout.IsCancellationRequested ? $"no answer within {context.StatusTimeout.TotalSeconds:0} s" : DashboardErrors.OneLine(error);
            (lockPanel, backups) = (new(null, line), new(null, line));
        }

        await WriteHtmlAsync(http, EnvironmentPage.Render(target, view, lockPanel, backups, service));

        async Task<Panel<T>> Read<T>(Func<Task<T>> read)
            where T : class
        {
            try
            {
                return new(await read(), null);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                return new(null, DashboardErrors.OneLine(error));
            }
        }
    }

    /// <summary>
    /// <c>compose logs --follow</c> on the server, streamed as server-sent events until the page goes away (which
    /// ends the remote command). Every line passes through the environment's <see cref="SecretMask"/> first.
    /// </summary>
    private async Task LogsAsync(HttpContext http, string environment)
    {
        var target = Environment(environment);
        var service = http.Request.Query["service"].ToString() is { Length: > 0 } named ? ServiceName.Validate(named) : null;
        StartEvents(http);
        var aborted = http.RequestAborted;
        try
        {
            var mask = await MaskAsync(target, aborted);
            await using var runner = await context.ConnectAsync(target, aborted);
            var compose = await ComposeDetection.ForEnvironmentAsync(runner, target, aborted);
            var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
            await SendAsync(http, "state", mask.KnownValues > 0
                ? $"following {service ?? "every service"} (masking {mask.KnownValues} values from the server's .env)"
                : $"following {service ?? "every service"} (no .env read on the server: masking by pattern only)");
            var follow = runner.RunAsync(compose.Logs(LogTail, service, follow: true), aborted, line => lines.Writer.TryWrite(mask.Apply(line)));
            _ = follow.ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);
            await foreach (var line in lines.Reader.ReadAllAsync(aborted))
            {
                await SendAsync(http, "line", line);
            }

            var result = await follow;
            await SendAsync(http, "end", result.ExitCode == 0 ? "the log stream ended (the stack stopped?)" : $"compose logs failed with exit code {result.ExitCode}");
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away; the remote command ended with the connection's channel.
        }
        catch (Exception error)
        {
            await SendAsync(http, "end", $"could not follow the logs: {DashboardErrors.OneLine(error)}");
        }
    }

    /// <summary>The server's .env, read over the secret-file channel (never a command line); without one, patterns only.</summary>
    private async Task<SecretMask> MaskAsync(EnvironmentConfig target, CancellationToken cancellationToken)
    {
        if (context.OpenSecretFilesAsync is not { } open)
        {
            return SecretMask.PatternsOnly;
        }

        await using var store = await open(target, cancellationToken);
        var bytes = await store.ReadAsync($"{target.Path.TrimEnd('/')}/.env", cancellationToken);
        return bytes is null ? SecretMask.PatternsOnly : SecretMask.FromText(Encoding.UTF8.GetString(bytes), $"{store.Target}:.env");
    }
}
