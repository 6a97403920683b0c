using System.Text.Json;
using DevOpsAgent.Core.Deploy;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

/// <summary>
/// An environment's live cells on the overview (release, health, lock), as HTML with every outside value encoded: the
/// page renders them, and the status events carry the same so the page can swap them in.
/// </summary>
public sealed record StatusCells(string Environment, string Release, string Health, string Lock)
{
    public static StatusCells Of(string environment, StatusView? view)
    {
        var release = view?.Status?.Release;
        var health = view switch
        {
            null => "<span class=\"warn\">reading…</span>",
            { Error: { } error } => $"<span class=\"bad\">unreachable: {E(error)}</span>",
            { Status: { } status } => $"<span class=\"{(status.AllHealthy ? "ok" : "bad")}\">{E(status.Summary)}</span>",
            _ => "-",
        };
        return new StatusCells(
            environment,
            release is null ? "-" : $"{E(release.Version)} <code>{E(DeployWorker.ShortCommit(release.Commit))}</code><br><small>{Time(release.DeployedAt)} by {E(release.DeployedBy)}</small>",
            health,
            E(view?.Status?.Operation ?? (view?.Status is null ? "-" : "free")));
    }

    /// <summary>The status event's data: one line of JSON.</summary>
    public string Json() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}
