using System.Globalization;
using System.Text.Json;

namespace DevOpsAgent.Core.Locks;

/// <summary>
/// What a deploy lock says about its holder (<c>.devops-agent/lock/info.json</c> on the server). The holder keeps
/// <see cref="Step"/> current and fills <see cref="PreviousCommit"/> and <see cref="PreviousRevision"/> before it
/// touches anything, so that a deploy that dies tells the next one what was left half-done and which release
/// was the last known good.
/// </summary>
public sealed record LockInfo
{
    public required string DeployId { get; init; }

    public required string Environment { get; init; }

    /// <summary>Who deploys: user@host, or the Orchestrator's actor name.</summary>
    public required string Holder { get; init; }

    public string? TaskId { get; init; }

    /// <summary>The ref or release being deployed (v1.2.0, staging, a commit).</summary>
    public required string Target { get; init; }

    /// <summary>The holder's clock; only shown. Staleness is judged by the server's clock, from the heartbeat.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    public string Step { get; init; } = "starting";

    /// <summary>The commit the server served before this deploy: the last known good release.</summary>
    public string? PreviousCommit { get; init; }

    /// <summary>The database's alembic revision before this deploy.</summary>
    public string? PreviousRevision { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Shell.ServerFiles.Json);

    public static LockInfo? Parse(string json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<LockInfo>(json, Shell.ServerFiles.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"deploy D of v1.2.0 by alice@laptop for TASK-045, started 2025-01-31 10:00 UTC, at step build".</summary>
    public string Describe() =>
        $"deploy {DeployId} of {Target} by {Holder}{(TaskId is null ? "" : $" for {TaskId}")}, started "
        + $"{StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, at step {Step}";
}
