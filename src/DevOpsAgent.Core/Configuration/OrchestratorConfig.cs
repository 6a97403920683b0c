namespace DevOpsAgent.Core.Configuration;

/// <summary>
/// The optional <c>orchestrator:</c> section: where the Orchestrator's project-state file is (Layer 2), and
/// where EXECUTE reports go besides the output (a folder, a webhook).
/// </summary>
public sealed record OrchestratorConfig
{
    /// <summary>The project-state file; relative paths are resolved from the directory of devops-agent.yml.</summary>
    public string? ProjectState { get; init; }

    /// <summary>Each EXECUTE report is POSTed here as JSON; a failing webhook never fails the work.</summary>
    public Uri? Webhook { get; init; }

    /// <summary>Each EXECUTE report is also written here as <c>&lt;time&gt;-&lt;task&gt;.json</c>.</summary>
    public string? Reports { get; init; }

    internal static OrchestratorConfig? Read(ConfigReader reader, ConfigMapping? mapping)
    {
        if (mapping is null)
        {
            return null;
        }

        reader.AllowOnly(mapping, "project_state", "webhook", "reports");
        Uri? webhook = null;
        if (reader.String(mapping, "webhook") is { Length: > 0 } url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                webhook = parsed;
            }
            else
            {
                reader.Problem(mapping["webhook"]!, "should be an absolute http:// or https:// URL");
            }
        }

        return new OrchestratorConfig
        {
            ProjectState = reader.String(mapping, "project_state"),
            Webhook = webhook,
            Reports = reader.String(mapping, "reports"),
        };
    }

    /// <summary>The webhook without user info, query or fragment, for messages (a token there must not be printed).</summary>
    public static string Printable(Uri webhook) => webhook.GetLeftPart(UriPartial.Path);
}
