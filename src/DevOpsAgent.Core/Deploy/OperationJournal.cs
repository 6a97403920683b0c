using System.Globalization;
using System.Text.Json;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Deploy;

/// <summary>
/// The server's durable record of an operation in flight (<c>.devops-agent/operation.json</c> in the app folder).
/// Written right after the lock is taken and before anything changes, kept current at every step, and removed
/// only once the operation has left the server at a known release. So whatever ends an operation — kill -9, a
/// lost connection, a cancel whose rollback could not finish — the next one finds the journal and knows that the
/// server is half-way, what it was doing, and which release the server last recorded as good. Unlike the lock it
/// survives the holder's release.
/// </summary>
public sealed record OperationJournal
{
    public const string FileName = "operation.json";

    public required string OperationId { get; init; }

    /// <summary>deploy, rollback, restart, migrate, restore, env push.</summary>
    public required string Action { get; init; }

    public required string Environment { get; init; }

    public required string StartedBy { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>What the operation moves to: a ref, a release, a service.</summary>
    public required string Target { get; init; }

    /// <summary>The commit it moves to, once resolved.</summary>
    public string? TargetCommit { get; init; }

    /// <summary>The release the server recorded as serving when the operation started (release.json); null before any.</summary>
    public string? KnownGoodCommit { get; init; }

    public string? KnownGoodVersion { get; init; }

    public string? KnownGoodRevision { get; init; }

    public string Step { get; init; } = "starting";

    /// <summary>
    /// Commits whose kept images may know the database's revision after an interruption: the releases this and any
    /// interrupted operation before it were moving between. A recovery runs alembic from one of them.
    /// </summary>
    public IReadOnlyList<string> InvolvedCommits { get; init; } = [];

    /// <summary>True once the operation changed what serves (migrate, up, a rollback's database step).</summary>
    public bool Switched { get; init; }

    public static string PathIn(string appPath) => $"{appPath}/{ServerRelease.Folder}/{FileName}";

    public string ToJson() => JsonSerializer.Serialize(this, ServerFiles.Json);

    /// <summary>Writes the journal atomically (a reader sees the old record or the new one).</summary>
    public ShellCommand Write(string appPath) => ServerFiles.WriteAtomically(PathIn(appPath), ToJson());

    /// <summary>Prints the journal, or nothing when no operation is half-way.</summary>
    public static ShellCommand Read(string appPath) => ShellCommand.Of("cat", PathIn(appPath)).Or(ShellCommand.Raw("true"));

    /// <summary>The operation ended at a known release: nothing is half-way any more.</summary>
    public static ShellCommand Clear(string appPath) => ShellCommand.Of("rm", "-f", PathIn(appPath));

    /// <summary>The journal, or null when there is none. An unreadable one still says that something was half-way.</summary>
    public static OperationJournal? Parse(string output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<OperationJournal>(output, ServerFiles.Json) ?? Unreadable();
        }
        catch (JsonException)
        {
            return Unreadable();
        }
    }

    /// <summary>"deploy 2025… of v1.1.0 by alice@laptop, started … UTC, was interrupted at step up (after the switch)".</summary>
    public string Describe() =>
        $"{Action} {OperationId} of {Target} by {StartedBy}, started "
        + $"{StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, was interrupted at step {Step}"
        + (Switched ? " (after it began changing what serves)" : " (before it changed what serves)")
        + (KnownGoodCommit is null ? "; the server recorded no release before it" : $"; last recorded release: {KnownGoodVersion ?? DeployWorker.ShortCommit(KnownGoodCommit)}"
            + (KnownGoodRevision is null ? "" : $" at database revision {KnownGoodRevision}"));

    private static OperationJournal Unreadable() => new()
    {
        OperationId = "?",
        Action = "operation",
        Environment = "?",
        StartedBy = "?",
        StartedAt = DateTimeOffset.UnixEpoch,
        Target = "?",
        Switched = true,
    };
}
