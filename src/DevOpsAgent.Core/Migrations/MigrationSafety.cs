using System.Text.RegularExpressions;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Migrations;

/// <summary>
/// What a statement does to a release that keeps serving while it runs, from best to worst: a revision's
/// verdict is its worst statement's.
/// </summary>
public enum MigrationRisk
{
    /// <summary>Runs while the old release serves: it neither breaks its queries nor holds long locks.</summary>
    Additive,

    /// <summary>Not recognised: someone has to read it (conservative, so not allowed for a live switch).</summary>
    Unknown,

    /// <summary>Holds a lock that blocks reads or writes for as long as the table is scanned or rewritten.</summary>
    Locking,

    /// <summary>Removes or renames what the old release still uses, or loses data.</summary>
    Destructive,
}

/// <summary>One statement of a pending revision, judged.</summary>
public sealed record SafetyFinding(string Revision, string Statement, MigrationRisk Category, string Reason, string? SafeAlternative);

/// <summary>A pending revision's verdict and the findings behind it.</summary>
public sealed record RevisionSafety(string Revision, MigrationRisk Verdict, IReadOnlyList<SafetyFinding> Findings)
{
    /// <summary>Whether the revision can run while the old release keeps serving (a zero-downtime switch).</summary>
    public bool AllowsLiveSwitch => Verdict == MigrationRisk.Additive;

    /// <summary>The findings that stop a live switch, which is what people need to read.</summary>
    public IEnumerable<SafetyFinding> Problems => Findings.Where(f => f.Category != MigrationRisk.Additive);
}

/// <summary>
/// Classifies the PostgreSQL SQL of pending alembic revisions for a zero-downtime switch, with the rules and the
/// safe alternatives of squawk and strong_migrations. Pure: the SQL comes from <see cref="AlembicCommands.UpgradeSql"/>.
/// </summary>
public static partial class MigrationSafety
{
    /// <summary>Every pending revision judged from <c>alembic upgrade --sql</c>'s output.</summary>
    /// <param name="pending">The pending revision ids, oldest first.</param>
    /// <param name="script">What alembic printed (possibly cut short).</param>
    /// <param name="renderError">
    /// Why alembic stopped, when it failed: revisions it did not finish are unknown. Redacted, since a
    /// SQLAlchemy error can quote the database URL.
    /// </param>
    public static IReadOnlyList<RevisionSafety> Classify(IReadOnlyList<string> pending, string script, string? renderError = null)
    {
        var rendered = SqlScript.ByRevision(script).ToDictionary(r => r.Revision);

        // Offline mode stops at the first revision that needs a live connection (op.get_bind(), a query): that
        // revision's SQL is incomplete, so only the ones before it can be trusted.
        var complete = renderError is null ? rendered.Keys.ToHashSet() : rendered.Keys.SkipLast(1).ToHashSet();
        return [.. pending.Select(id => complete.Contains(id) && rendered.TryGetValue(id, out var sql)
            ? Revision(sql)
            : NotRendered(id, renderError))];
    }

    /// <summary>
    /// The line of alembic's stderr that says why it stopped: the exception of its traceback (or alembic's own
    /// <c>FAILED:</c>), not the exit code docker-compose v1's <c>run</c> prints after it.
    /// </summary>
    public static string RenderError(string standardError, int exitCode)
    {
        var lines = standardError.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.LastOrDefault(l => ErrorLine().IsMatch(l))
            ?? lines.LastOrDefault(l => !l.All(char.IsDigit))
            ?? $"exit code {exitCode}";
    }

    /// <summary>One revision's verdict from its statements.</summary>
    public static RevisionSafety Revision(RevisionSql sql)
    {
        var createdTables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var findings = new List<SafetyFinding>();
        foreach (var statement in sql.Statements)
        {
            foreach (var (category, reason, alternative) in SafetyRules.Judge(statement, createdTables))
            {
                findings.Add(new SafetyFinding(sql.Revision, Redaction.Redact(SqlScript.Display(statement)), category, reason, alternative));
            }
        }

        var verdict = findings.Count == 0 ? MigrationRisk.Additive : findings.Max(f => f.Category);
        return new RevisionSafety(sql.Revision, verdict, findings);
    }

    private static RevisionSafety NotRendered(string revision, string? error) =>
        new(revision, MigrationRisk.Unknown, [new SafetyFinding(revision, "", MigrationRisk.Unknown,
            "could not render offline SQL" + (string.IsNullOrWhiteSpace(error) ? "" : $" ({Redaction.Redact(error.Trim())})"),
            "read the migration: offline mode cannot run op.get_bind() or data queries, so check its operations by hand")]);

    [GeneratedRegex(@"^([A-Za-z_][\w.]*(Error|Exception|Exit)\b.*:|FAILED:)")]
    private static partial Regex ErrorLine();
}
