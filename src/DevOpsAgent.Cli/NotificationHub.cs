using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Notifications;
using DevOpsAgent.Infrastructure.Notifications;

namespace DevOpsAgent.Cli;

/// <summary>
/// The webhooks of this process: one sender, the histories that notify, and, before the CLI exits, a bounded
/// wait for deliveries still under way (a dead webhook costs a command at most <see cref="DrainLimit"/>).
/// </summary>
public static class NotificationHub
{
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(20);

    private static readonly Lazy<HttpWebhookSender> Sender = new(HttpWebhookSender.Create);
    private static readonly Deliveries Pending = new();

    private static readonly AsyncLocal<Action<string>?> CurrentWarn = new();

    /// <summary>
    /// Where a delivery that failed for good is reported: the stderr of the command running in this async flow
    /// (several commands can run in one process: the MCP server, tests), the process's stderr otherwise.
    /// </summary>
    public static Action<string> Warn
    {
        get => CurrentWarn.Value ?? (line => Console.Error.WriteLine(line));
        set => CurrentWarn.Value = value;
    }

    public static IDeployHistory Wrap(IDeployHistory history, AgentConfig config, IReadOnlyCollection<string> secrets)
    {
        var notifying = new NotifyingDeployHistory(history,
            environment => config.Environments.TryGetValue(environment, out var e) ? e.Notifications : [],
            Sender.Value, secrets, Pending, Warn);
        return notifying;
    }

    public static Task DrainAsync() => Pending.DrainAsync(DrainLimit);
}
