using System.Globalization;

namespace DevOpsAgent.Core.Locks;

public enum LockState
{
    /// <summary>No deploy holds the app folder.</summary>
    Free,

    /// <summary>A deploy holds it and its heartbeat is fresh.</summary>
    Held,

    /// <summary>A deploy holds it but stopped beating: it died (kill -9, lost connection) and left its work half-done.</summary>
    Abandoned,
}

/// <summary>The deploy lock of an app folder as the server sees it, judged by the server's clock.</summary>
public sealed record LockStatus(LockState State, LockInfo? Info, string? Owner, TimeSpan? HeartbeatAge)
{
    public static readonly LockStatus Free = new(LockState.Free, null, null, null);

    /// <summary>The deploy id the lock belongs to: its owner file, else info.json's, else empty.</summary>
    public string OwnerId => Owner is { Length: > 0 } owner ? owner : Info?.DeployId ?? "";

    /// <summary>Parses <see cref="DeployLockCommands.Read"/>'s output.</summary>
    public static LockStatus Parse(string output, TimeSpan staleAfter)
    {
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0])
            .ToDictionary(group => group.Key, group => group.First()[1].Trim());
        if (!fields.TryGetValue("beat", out var beat))
        {
            return Free;
        }

        // An unreadable stamp (a lock being created or removed right now) counts as fresh: never take over on doubt.
        var age = long.TryParse(fields.GetValueOrDefault("now"), CultureInfo.InvariantCulture, out var now)
            && long.TryParse(beat, CultureInfo.InvariantCulture, out var stamp)
                ? TimeSpan.FromSeconds(Math.Max(0, now - stamp))
                : TimeSpan.Zero;
        var owner = fields.GetValueOrDefault("owner");
        return new LockStatus(age >= staleAfter ? LockState.Abandoned : LockState.Held, LockInfo.Parse(fields.GetValueOrDefault("info") ?? ""),
            string.IsNullOrEmpty(owner) ? null : owner, age);
    }

    /// <summary>One line for people: who holds the lock, since when, at which step, how long ago it beat.</summary>
    public string Describe() => State switch
    {
        LockState.Free => "free",
        _ => $"{(State == LockState.Held ? "held" : "ABANDONED")} by {Info?.Describe() ?? $"deploy {(OwnerId.Length > 0 ? OwnerId : "?")} (no info.json)"}"
            + $" (last heartbeat {Seconds(HeartbeatAge)} ago)",
    };

    /// <summary>
    /// For an abandoned lock: what the dead deploy left half-done and the last known good release, so that the
    /// deploy taking over can say so and recover.
    /// </summary>
    public string DescribeInterruption()
    {
        var info = Info;
        if (info is null)
        {
            return $"deploy {(OwnerId.Length > 0 ? OwnerId : "?")} was interrupted before it recorded anything (no heartbeat for {Seconds(HeartbeatAge)})";
        }

        var known = info.PreviousCommit is null ? "unknown (the deploy died before recording it)" : info.PreviousCommit;
        return $"deploy {info.DeployId} of {info.Target} by {info.Holder}{(info.TaskId is null ? "" : $" for {info.TaskId}")} was interrupted at step "
            + $"{info.Step} (no heartbeat for {Seconds(HeartbeatAge)}); last known good release: {known}"
            + (info.PreviousRevision is null ? "" : $", database revision {info.PreviousRevision}");
    }

    private static string Seconds(TimeSpan? age) => $"{(long)(age ?? TimeSpan.Zero).TotalSeconds}s";
}
