using System.Globalization;
using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Releases;

/// <summary>
/// What changes between two releases of an environment, read from the server's own checkout: the commits, the
/// alembic migration files, the compose files the environment runs, and the KEYS of <c>.env.example</c> — its
/// values are read to find the keys and dropped there, so no value can reach a page, a log or JSON.
/// </summary>
public sealed record ReleaseDiff
{
    public required string Environment { get; init; }

    public required ReleasePoint From { get; init; }

    public required ReleasePoint To { get; init; }

    /// <summary>Commits in <see cref="To"/> that <see cref="From"/> does not have, newest first.</summary>
    public required IReadOnlyList<CommitInfo> Commits { get; init; }

    /// <summary>Commits in <see cref="From"/> that <see cref="To"/> does not have: what going back (or sideways) leaves out.</summary>
    public required IReadOnlyList<CommitInfo> CommitsOnlyInFrom { get; init; }

    /// <summary>A list was cut at <see cref="ReleaseDiffCommands.MaxCommits"/>.</summary>
    public bool CommitsTruncated { get; init; }

    /// <summary>The alembic versions folder the migrations are read from; null when devops-agent.yml has no migrations section.</summary>
    public string? MigrationsFolder { get; init; }

    public required IReadOnlyList<FileChange> Migrations { get; init; }

    public required IReadOnlyList<FileChange> ComposeFiles { get; init; }

    public required EnvKeyChanges EnvKeys { get; init; }

    public bool IsEmpty => From.Commit == To.Commit;

    /// <summary>One line: "v1.0.0 → v1.1.0: 1 commit, 1 migration added, no compose change, no .env.example key change".</summary>
    public string Summary
    {
        get
        {
            if (IsEmpty)
            {
                return $"{From.Label} and {To.Label} are the same commit: nothing changes.";
            }

            var parts = new List<string> { Count(Commits.Count, "commit") + (CommitsTruncated ? " or more" : "") };
            if (CommitsOnlyInFrom.Count > 0)
            {
                parts.Add($"{Count(CommitsOnlyInFrom.Count, "commit")} of {From.Label} left out");
            }

            if (MigrationsFolder is not null)
            {
                parts.Add(Migrations.Count == 0 ? "no migration change"
                    : string.Join(", ", Migrations.GroupBy(m => m.Change).OrderBy(g => g.Key).Select(g => $"{Count(g.Count(), "migration")} {Word(g.Key)}")));
            }

            parts.Add(ComposeFiles.Count == 0 ? "no compose change" : Count(ComposeFiles.Count, "compose file") + " changed");
            parts.Add(EnvKeys.Problem is not null ? ".env.example unreadable"
                : EnvKeys.Added.Count + EnvKeys.Removed.Count == 0 ? "no .env.example key change"
                : $".env.example keys +{EnvKeys.Added.Count} -{EnvKeys.Removed.Count}");
            return $"{From.Label} → {To.Label}: {string.Join(", ", parts)}.";
        }
    }

    public static string Word(FileChangeKind kind) => kind.ToString().ToLowerInvariant();

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}

/// <summary>One end of a diff: what was asked for, the commit it is, and the release name the server recorded for it.</summary>
public sealed record ReleasePoint(string Ref, string Commit, string? Version)
{
    /// <summary>The recorded version when there is one ("v1.1.0"), else the ref as given.</summary>
    public string Label => Version ?? Ref;

    public string ShortCommit => Commit.Length > 12 ? Commit[..12] : Commit;
}

public sealed record CommitInfo(string Sha, string Author, DateTimeOffset Date, string Subject)
{
    public const char FieldSeparator = '\u001f';

    /// <summary>
    /// Output of <see cref="ReleaseDiffCommands.Commits"/>: records ended by NUL (<c>-z</c>), fields by U+001F, so
    /// no author or subject can be taken for the next field or commit.
    /// </summary>
    public static IReadOnlyList<CommitInfo> ParseLog(string output)
    {
        var commits = new List<CommitInfo>();
        foreach (var record in output.Split('\0'))
        {
            var text = record.Trim('\n');
            if (text.Length == 0)
            {
                continue;
            }

            var fields = text.Split(FieldSeparator, 4);
            if (fields.Length != 4 || !ReleaseDiffCommands.IsCommitId(fields[0])
                || !DateTimeOffset.TryParse(fields[2], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new FormatException($"unexpected git log record: {Errors.InputText.Quote(text)}");
            }

            commits.Add(new CommitInfo(fields[0], fields[1], date, fields[3]));
        }

        return commits;
    }
}

public enum FileChangeKind
{
    Added,
    Changed,
    Removed,
}

public sealed record FileChange(string Path, FileChangeKind Change)
{
    /// <summary>
    /// Output of <see cref="ReleaseDiffCommands.Changes"/> (<c>--name-status --no-renames -z</c>): a status letter and
    /// a path, each ended by NUL, so paths with spaces, quotes or newlines arrive as they are.
    /// </summary>
    public static IReadOnlyList<FileChange> ParseNameStatus(string output)
    {
        var tokens = (output.EndsWith('\n') ? output[..^1] : output).Split('\0');
        var changes = new List<FileChange>();
        for (var i = 0; i + 1 < tokens.Length; i += 2)
        {
            var kind = tokens[i] switch
            {
                "A" => FileChangeKind.Added,
                "D" => FileChangeKind.Removed,
                "M" or "T" => FileChangeKind.Changed,
                var other => throw new FormatException($"unexpected git diff status {Errors.InputText.Quote(other)}"),
            };
            changes.Add(new FileChange(tokens[i + 1], kind));
        }

        return changes;
    }
}

/// <summary>The keys <c>.env.example</c> gains and loses between two releases; never a value.</summary>
public sealed record EnvKeyChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public static EnvKeyChanges None { get; } = new([], []);

    /// <summary>Why the keys could not be compared (a file git could not show, a line the parser refuses): one line, no value.</summary>
    public string? Problem { get; init; }

    /// <summary>
    /// Compares the keys of two versions of the file (null: the release has none). Values are parsed with the
    /// rest of the file, as compose reads it, and dropped here; a bare <c>KEY</c> line documents a key too.
    /// </summary>
    public static EnvKeyChanges Between(string? from, string fromName, string? to, string toName)
    {
        var before = Keys(from, fromName);
        var after = Keys(to, toName);
        return new([.. after.Where(k => !before.Contains(k))], [.. before.Where(k => !after.Contains(k))]);
    }

    public static IReadOnlyList<string> Keys(string? content, string name) =>
        content is null ? [] : [.. DotenvParser.Parse(content, name, _ => "").Entries.Select(e => e.Key).Distinct(StringComparer.Ordinal)];
}
