using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Migrations;

/// <summary>One revision of the migration graph, as <c>alembic history</c> prints it.</summary>
public sealed record MigrationRevision(string Id, IReadOnlyList<string> DownRevisions, string Message);

/// <summary>A revision the database does not have yet, and whether it can be undone.</summary>
public sealed record PendingMigration(string Id, string Message, bool HasRealDowngrade);

/// <summary>What a deploy would do to the database: from <see cref="Current"/> to the single head.</summary>
public sealed record MigrationPlan(string? Current, IReadOnlyList<string> Heads, IReadOnlyList<PendingMigration> Pending)
{
    /// <summary>The revision the database will be at after the upgrade.</summary>
    public string? Head => Heads.Count == 1 ? Heads[0] : null;

    public IEnumerable<PendingMigration> WithoutDowngrade => Pending.Where(p => !p.HasRealDowngrade);

    /// <summary>"0001 → 0002: 1 pending (0002 add items.description)" — the answer to "migrations needed?".</summary>
    public string Summary =>
        Pending.Count == 0
            ? $"database at {Current ?? "base"}, no migrations pending"
            : $"{Current ?? "base"} → {Head}: {Pending.Count} pending ({string.Join("; ", Pending.Select(p => $"{p.Id} {p.Message}"))})"
              + (WithoutDowngrade.Any() ? $"; NO real downgrade(): {string.Join(", ", WithoutDowngrade.Select(p => p.Id))}" : "");
}

/// <summary>A plan and the whole revision graph (oldest first), for `devops-agent migrations`.</summary>
public sealed record MigrationInspection(MigrationPlan Plan, IReadOnlyList<PendingMigration> Revisions);

/// <summary>Reads what alembic prints.</summary>
public static partial class AlembicOutput
{
    /// <summary>
    /// The outputs of <see cref="AlembicCommands.Inspect"/>: current, heads and history, in that order; null when the
    /// output does not have all three (not that command's).
    /// </summary>
    public static (string Current, string Heads, string History)? Inspection(string output)
    {
        var parts = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split(AlembicCommands.InspectSeparator + "\n");
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : null;
    }

    /// <summary>The one revision <c>alembic current</c> printed; null for an empty database; several is an error.</summary>
    public static string? OneRevision(string currentOutput)
    {
        var ids = AlembicOutput.RevisionIds(currentOutput);
        return ids.Count switch
        {
            0 => null,
            1 => ids[0],
            _ => throw new DevOpsAgentException($"the database has several alembic revisions ({string.Join(", ", ids)}); merge the heads first", ExitCodes.CommandFailed),
        };
    }

    /// <summary>Revision ids from <c>alembic heads</c> or <c>alembic current</c> (<c>0002 (head)</c>).</summary>
    public static IReadOnlyList<string> RevisionIds(string output) =>
        [.. output.Split('\n').Select(line => RevisionLine().Match(line.Trim())).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    /// <summary>
    /// The revision a downgrade started from, read from alembic's own log (<c>Running downgrade 0002 -&gt; 0001, …</c>,
    /// one line per step, the first from where it began); null when it ran no step (already there).
    /// </summary>
    public static string? DowngradedFrom(IEnumerable<string> lines) =>
        lines.Select(line => DowngradeStep().Match(line)).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    public static IReadOnlyList<MigrationRevision> History(string output) =>
        [.. output.Split('\n').Select(line => HistoryLine().Match(line.Trim())).Where(m => m.Success).Select(m => new MigrationRevision(
            m.Groups["rev"].Value,
            m.Groups["down"].Value == "<base>" ? [] : [.. m.Groups["down"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
            m.Groups["msg"].Value.Trim()))];

    /// <summary>Migration file contents by revision id, from <see cref="AlembicCommands.Sources"/>.</summary>
    public static IReadOnlyDictionary<string, string> Sources(string output)
    {
        var sources = new Dictionary<string, string>();
        foreach (var file in output.Split("==> ", StringSplitOptions.RemoveEmptyEntries))
        {
            var content = file[(file.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            if (RevisionAssignment().Match(content) is { Success: true } match)
            {
                sources[match.Groups[1].Value] = content;
            }
        }

        return sources;
    }

    /// <summary>
    /// The revisions between <paramref name="current"/> (exclusive; null = empty database) and
    /// <paramref name="head"/>, oldest first.
    /// </summary>
    public static IReadOnlyList<MigrationRevision> Between(string? current, string head, IReadOnlyList<MigrationRevision> graph)
    {
        var byId = graph.ToDictionary(r => r.Id);
        if (current is not null && !byId.ContainsKey(current))
        {
            throw new DevOpsAgentException(
                $"the database is at revision {current}, which this release's migrations do not contain (was a newer release deployed?); roll back with `devops-agent rollback`, which downgrades first",
                ExitCodes.CommandFailed);
        }

        var pending = new List<MigrationRevision>();
        var seen = new HashSet<string>();
        var reachedCurrent = current is null;
        var queue = new Queue<string>([head]);
        while (queue.TryDequeue(out var id))
        {
            if (id == current)
            {
                reachedCurrent = true;
                continue;
            }

            if (!seen.Add(id) || !byId.TryGetValue(id, out var revision))
            {
                continue;
            }

            pending.Add(revision);
            foreach (var down in revision.DownRevisions)
            {
                queue.Enqueue(down);
            }
        }

        if (!reachedCurrent)
        {
            throw new DevOpsAgentException($"the database's revision {current} is not an ancestor of this release's head {head}", ExitCodes.CommandFailed);
        }

        pending.Reverse();
        return pending;
    }

    [GeneratedRegex(@"Running downgrade ([0-9A-Za-z_]+(?:, ?[0-9A-Za-z_]+)*) -> ")]
    private static partial Regex DowngradeStep();

    [GeneratedRegex(@"^([0-9A-Za-z_]+)(?: \(.*\))?$")]
    private static partial Regex RevisionLine();

    // A revision without a docstring has an empty message: alembic prints "0003 -> 0004 (head), ", which the
    // line's Trim() turns into a trailing comma.
    [GeneratedRegex(@"^(?<down>.+?) -> (?<rev>[0-9A-Za-z_]+)(?: \([a-z]+\))*,(?: (?<msg>.*))?$")]
    private static partial Regex HistoryLine();

    [GeneratedRegex(@"^revision(?:\s*:\s*str)?\s*=\s*[""']([^""']+)[""']", RegexOptions.Multiline)]
    private static partial Regex RevisionAssignment();
}
