using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Notifications;

/// <summary>
/// The body a webhook receives, built only from the history record's fields (never the environment's .env or
/// the server's output), and every text passed through <see cref="Redaction"/> and the known secret values.
/// </summary>
public static class NotificationPayload
{
    public const string Schema = "devops-agent.notification/1";

    public static string Build(WebhookFormat format, NotificationEvent e, DeployRecord record, IReadOnlyCollection<string> secrets) =>
        (format == WebhookFormat.Slack ? Slack(e, record, secrets) : Json(e, record, secrets)).ToJsonString(Options);

    /// <summary>One line for people: <c>production: deploy v1.1.0 failed (step health: …)</c>.</summary>
    public static string Summary(NotificationEvent e, DeployRecord record, IReadOnlyCollection<string> secrets)
    {
        var what = $"{record.Environment}: {record.Action} {record.Version ?? record.Ref}";
        var text = e switch
        {
            NotificationEvent.Started => $"{what} started by {record.StartedBy}",
            NotificationEvent.Succeeded => $"{what} succeeded{Took(record)}",
            NotificationEvent.RolledBack => $"{what} failed and was rolled back{Took(record)}{Why(record)}",
            _ => $"{what} failed{Took(record)}{Why(record)}",
        };
        return Clean(record.TaskId is null ? text : $"[{record.TaskId}] {text}", secrets);
    }

    private static JsonObject Json(NotificationEvent e, DeployRecord record, IReadOnlyCollection<string> secrets) => new()
    {
        ["schema"] = Schema,
        ["event"] = WebhookConfig.EventName(e),
        ["id"] = record.Id,
        ["environment"] = record.Environment,
        ["action"] = record.Action,
        ["ref"] = Clean(record.Ref, secrets),
        ["version"] = record.Version,
        ["commit"] = record.Commit,
        ["previous_commit"] = record.PreviousCommit,
        ["task"] = record.TaskId,
        ["started_by"] = Clean(record.StartedBy, secrets),
        ["started_at"] = Time(record.StartedAt),
        ["finished_at"] = record.FinishedAt is { } f ? Time(f) : null,
        ["duration_seconds"] = record.Duration is { } d ? Math.Round(d.TotalSeconds, 1) : null,
        ["outcome"] = Outcome(record.Outcome),
        ["failed_step"] = FailedStep(record),
        ["error"] = record.Error is { } error ? Clean(error, secrets) : null,
        ["revision_before"] = record.RevisionBefore,
        ["revision_after"] = record.RevisionAfter,
        ["summary"] = Summary(e, record, secrets),
    };

    private static JsonObject Slack(NotificationEvent e, DeployRecord record, IReadOnlyCollection<string> secrets)
    {
        var fields = new JsonArray
        {
            Field("Environment", record.Environment),
            Field("Release", record.Version ?? Clean(record.Ref, secrets)),
        };
        if (record.TaskId is not null)
        {
            fields.Add(Field("Task", record.TaskId));
        }

        if (FailedStep(record) is { } step)
        {
            fields.Add(Field("Failed step", step));
        }

        if (record.Error is { } error && e is NotificationEvent.Failed or NotificationEvent.RolledBack)
        {
            fields.Add(new JsonObject { ["title"] = "Error", ["value"] = Clean(error, secrets), ["short"] = false });
        }

        return new JsonObject
        {
            ["text"] = Summary(e, record, secrets),
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["color"] = e switch
                    {
                        NotificationEvent.Started => "#439FE0",
                        NotificationEvent.Succeeded => "good",
                        NotificationEvent.RolledBack => "warning",
                        _ => "danger",
                    },
                    ["fields"] = fields,
                    ["footer"] = $"devops-agent · {record.Id}",
                },
            },
        };
    }

    private static JsonObject Field(string title, string value) => new() { ["title"] = title, ["value"] = value, ["short"] = true };

    private static string? FailedStep(DeployRecord record) => record.Steps.LastOrDefault(s => s.Outcome == StepOutcome.Failed)?.Name;

    private static string Took(DeployRecord record) =>
        record.Duration is { } d ? $" in {d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";

    private static string Why(DeployRecord record) =>
        FailedStep(record) is { } step ? $" (step {step})" : "";

    private static string Outcome(DeployOutcome outcome) => outcome switch
    {
        DeployOutcome.RolledBack => "rolled_back",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Known secret values masked, then whatever looks like one (URL passwords, KEY=value).</summary>
    private static string Clean(string text, IReadOnlyCollection<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 4).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return Redaction.Redact(text);
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
