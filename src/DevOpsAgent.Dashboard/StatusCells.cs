using System.Text.Json;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Status;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

/// <summary>
/// An environment's live cells on the overview (release, slot, health, lock; a fleet's per host), as HTML with every outside value encoded: the
/// page renders them, and the status events carry the same so the page can swap them in.
/// </summary>
public sealed record StatusCells(string Environment, string Release, string Slot, string Health, string Lock)
{
    public static StatusCells Of(string environment, StatusView? view)
    {
        var release = view?.Status?.Release;
        var hosts = view?.Hosts ?? [];
        return new StatusCells(
            environment,
            hosts.Count > 1 ? FleetRelease(hosts) : ReleaseCell(release),
            hosts.Count > 1 ? string.Join("<br>", hosts.Select(h => $"{E(h.Host)}: {SlotCell(h.Status)}")) : SlotCell(view?.Status),
            hosts.Count > 1 ? string.Join("<br>", hosts.Select(h => $"{E(h.Host)}: {HealthCell(h.Status, h.Error)}")) : view is null ? Reading : HealthCell(view.Status, view.Error),
            E(view?.Status?.Operation ?? (view?.Status is null ? "-" : "free")));
    }

    private const string Reading = "<span class=\"warn\">reading…</span>";

    private static string HealthCell(EnvironmentStatus? status, string? error) => (status, error) switch
    {
        (_, { } line) => $"<span class=\"bad\">unreachable: {E(line)}</span>",
        ({ } s, _) => $"<span class=\"{(s.AllHealthy ? "ok" : "bad")}\">{E(s.Summary)}</span>",
        _ => "-",
    };

    /// <summary>The live slot of a zero-downtime environment; <c>single</c> for one compose project.</summary>
    private static string SlotCell(EnvironmentStatus? status) => status is null ? "-" : status.LiveSlot is { } slot ? $"<b>{E(slot)}</b>" : "single";

    private static string ReleaseCell(ServerRelease? release) =>
        release is null ? "-" : $"{E(release.Version)} <code>{E(DeployWorker.ShortCommit(release.Commit))}</code><br><small>{Time(release.DeployedAt)} by {E(release.DeployedBy)}</small>";

    /// <summary>One release when every host serves it; otherwise each host's, marked, so a half-done fleet shows.</summary>
    private static string FleetRelease(IReadOnlyList<HostView> hosts)
    {
        var commits = hosts.Select(h => h.Status?.Release?.Commit).Distinct().ToList();
        if (commits.Count == 1 && commits[0] is not null && hosts.All(h => h.Error is null))
        {
            return $"{ReleaseCell(hosts[0].Status!.Release)}<br><small>on all {hosts.Count} hosts</small>";
        }

        return "<span class=\"warn\">hosts differ</span><br>" + string.Join("<br>", hosts.Select(h =>
            $"{E(h.Host)}: {(h.Status?.Release is { } r ? $"{E(r.Version)} <code>{E(DeployWorker.ShortCommit(r.Commit))}</code>" : h.Error is null ? "none" : "?")}"));
    }

    /// <summary>The status event's data: one line of JSON.</summary>
    public string Json() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}
