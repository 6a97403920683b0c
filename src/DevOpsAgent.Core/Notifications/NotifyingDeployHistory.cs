using System.Collections.Concurrent;
using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Core.Notifications;

/// <summary>Delivers one body to one webhook, retrying as it sees fit; throws with a message that never holds the URL's secret part.</summary>
public interface IWebhookSender
{
    Task SendAsync(WebhookConfig webhook, string body, CancellationToken cancellationToken);
}

/// <summary>Deliveries under way beside the operations, and a bounded wait for them before a process ends.</summary>
public sealed class Deliveries
{
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    public Task Start(Func<Task> delivery)
    {
        var task = Task.Run(delivery, CancellationToken.None);
        _pending.TryAdd(task, 0);
        task.ContinueWith(t => _pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits for deliveries still under way, at most <paramref name="limit"/>.</summary>
    public Task DrainAsync(TimeSpan limit) => Task.WhenAny(Task.WhenAll(_pending.Keys), Task.Delay(limit));
}

/// <summary>
/// History that also tells each environment's webhooks. Every server-changing operation saves its record when it
/// starts (Running) and when it ends (Succeeded, Failed, RolledBack), on its failure and cancel paths too, so the
/// record's outcome changes are the events: first Running → started; a final outcome → succeeded, failed or
/// rolled_back, once per record (refused after it started counts as failed). EXECUTEs refused before they start, and
/// plans, send nothing. Delivery runs beside the operation and
/// never fails or delays it: the caller waits (bounded) for what is still being sent before the
/// process ends (<see cref="Deliveries.DrainAsync"/>); a delivery that failed for good is one warning, without the webhook's secret.
/// </summary>
public sealed class NotifyingDeployHistory(
    IDeployHistory inner,
    Func<string, IReadOnlyList<WebhookConfig>> webhooksFor,
    IWebhookSender sender,
    IReadOnlyCollection<string> secrets,
    Deliveries deliveries,
    Action<string> warn) : IDeployHistory
{
    private readonly ConcurrentDictionary<string, DeployOutcome> _told = new();

    // Per record and webhook, the previous delivery: a fast operation's "succeeded" never overtakes its "started".
    private readonly ConcurrentDictionary<(string, WebhookConfig), Task> _last = new();

    public async Task SaveAsync(DeployRecord record, CancellationToken cancellationToken)
    {
        await inner.SaveAsync(record, cancellationToken);
        if (EventFor(record) is { } e)
        {
            foreach (var webhook in webhooksFor(record.Environment).Where(w => w.Events.Contains(e)))
            {
                var body = NotificationPayload.Build(webhook.Format, e, record, secrets);
                var key = (record.Id, webhook);
                var previous = _last.GetValueOrDefault(key, Task.CompletedTask);
                _last[key] = deliveries.Start(async () =>
                {
                    await previous;
                    try
                    {
                        await sender.SendAsync(webhook, body, CancellationToken.None);
                    }
                    catch (Exception error)
                    {
                        warn($"warning: the {WebhookConfig.EventName(e)} notification to {webhook.Display} was not delivered: {Errors.InputText.OneLine(error.Message)}");
                    }
                });
            }
        }
    }

    public Task<IReadOnlyList<DeployRecord>> ListAsync(string? environment, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(environment, limit, cancellationToken);

    public Task<IReadOnlyList<DeployRecord>> PageAsync(string? environment, int skip, int limit, CancellationToken cancellationToken) =>
        inner.PageAsync(environment, skip, limit, cancellationToken);

    public Task<DeployRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    private NotificationEvent? EventFor(DeployRecord record)
    {
        NotificationEvent? e = record.Outcome switch
        {
            DeployOutcome.Running => NotificationEvent.Started,
            DeployOutcome.Succeeded => NotificationEvent.Succeeded,
            DeployOutcome.Failed => NotificationEvent.Failed,
            DeployOutcome.RolledBack => NotificationEvent.RolledBack,
            // Refused by its own checks after it had been told as started: for the listener, it failed.
            DeployOutcome.Refused when _told.GetValueOrDefault(record.Id, DeployOutcome.Planned) == DeployOutcome.Running => NotificationEvent.Failed,
            _ => null,
        };
        if (e is null)
        {
            return null;
        }

        // Once per outcome of a record: a record saved again at every step (Running) tells "started" once.
        var before = _told.GetValueOrDefault(record.Id, DeployOutcome.Planned);
        if (before == record.Outcome || (before != DeployOutcome.Planned && record.Outcome == DeployOutcome.Running))
        {
            return null;
        }

        _told[record.Id] = record.Outcome;
        return e;
    }
}
