using DevOpsAgent.Core.Configuration;

namespace DevOpsAgent.Core.Notifications;

public enum WebhookFormat
{
    /// <summary>Slack's incoming-webhook body (<c>text</c> and one coloured attachment); Mattermost and Rocket.Chat take it too.</summary>
    Slack,

    /// <summary>A plain JSON document with the record's fields (<c>schema: devops-agent.notification/1</c>).</summary>
    Json,
}

/// <summary>What an environment's operation can tell a webhook.</summary>
public enum NotificationEvent
{
    Started,
    Succeeded,
    Failed,
    RolledBack,
}

/// <summary>One webhook of an environment (<c>environments.&lt;name&gt;.notifications[i]</c>).</summary>
public sealed record WebhookConfig(Uri Url, WebhookFormat Format, IReadOnlySet<NotificationEvent> Events)
{
    public static readonly IReadOnlySet<NotificationEvent> AllEvents = new HashSet<NotificationEvent>(Enum.GetValues<NotificationEvent>());

    /// <summary>
    /// The URL as output may show it: scheme and host only. A webhook URL is a secret itself (Slack's path is its
    /// token), so neither its path, its query nor a user:password part is ever printed.
    /// </summary>
    public string Display => DisplayOf(Url);

    public static string DisplayOf(Uri url) => $"{url.Scheme}://{url.Host}{(url.IsDefaultPort ? "" : $":{url.Port}")}/…";

    public static string EventName(NotificationEvent e) => e switch
    {
        NotificationEvent.Started => "started",
        NotificationEvent.Succeeded => "succeeded",
        NotificationEvent.Failed => "failed",
        _ => "rolled_back",
    };

    internal static IReadOnlyList<WebhookConfig> ReadAll(ConfigReader reader, ConfigMapping environment)
    {
        var node = environment["notifications"];
        if (node is null)
        {
            return [];
        }

        if (node is not ConfigSequence sequence)
        {
            reader.Problem(node, "should be a list of webhooks (each with url, and optionally format and events)");
            return [];
        }

        var webhooks = new List<WebhookConfig>();
        foreach (var item in sequence.Items)
        {
            if (reader.Mapping(item) is { } mapping && Read(reader, mapping) is { } webhook)
            {
                webhooks.Add(webhook);
            }
        }

        return webhooks;
    }

    private static WebhookConfig? Read(ConfigReader reader, ConfigMapping mapping)
    {
        reader.AllowOnly(mapping, "url", "format", "events");
        var text = reader.RequiredString(mapping, "url");
        Uri? url = null;
        if (text.Length > 0)
        {
            // The value is never quoted back: it may be (or hold) the webhook's token.
            if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
            {
                reader.Problem(mapping["url"] ?? mapping, "should be an http:// or https:// URL (the value is not shown: a webhook URL is a secret)");
                url = null;
            }
        }

        var format = WebhookFormat.Json;
        switch (reader.String(mapping, "format"))
        {
            case null or "json":
                break;
            case "slack":
                format = WebhookFormat.Slack;
                break;
            default:
                reader.Problem(mapping["format"]!, "should be slack or json");
                break;
        }

        var events = new HashSet<NotificationEvent>();
        foreach (var name in reader.StringList(mapping, "events"))
        {
            if (Enum.GetValues<NotificationEvent>().FirstOrDefault(e => EventName(e) == name) is var e && EventName(e) == name)
            {
                events.Add(e);
            }
            else
            {
                reader.Problem(mapping["events"]!, $"unknown event {Errors.InputText.Quote(name)} (expected: started, succeeded, failed, rolled_back)");
            }
        }

        return url is null ? null : new WebhookConfig(url, format, events.Count == 0 ? AllEvents : events);
    }
}
