using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Quality;

/// <summary>Alembic migrations (<c>versions/*.py</c>) must be reversible: a <c>downgrade()</c> that does something.</summary>
public static partial class MigrationCheck
{
    public static IEnumerable<Finding> Run(ProjectSnapshot project)
    {
        foreach (var file in project.Files.Where(IsMigration))
        {
            switch (DowngradeOf(file.Content))
            {
                case (false, _):
                    yield return new Finding("migration-no-downgrade", Severity.Error, file.Path, 0, "the migration has no downgrade()",
                        "write downgrade() so that 'alembic downgrade -1' can roll the release back");
                    break;
                case (true, { } line):
                    yield return new Finding("migration-no-downgrade", Severity.Error, file.Path, line, "downgrade() does nothing (only pass)",
                        "undo upgrade() in downgrade() so that 'alembic downgrade -1' can roll the release back");
                    break;
            }
        }
    }

    /// <summary>True when the migration's downgrade() exists and does something.</summary>
    public static bool HasRealDowngrade(string migration) => DowngradeOf(migration) is (true, null);

    /// <summary>Whether downgrade() exists, and the (1-based) line of one whose body does nothing.</summary>
    private static (bool Exists, int? EmptyAtLine) DowngradeOf(string migration)
    {
        var lines = migration.Split('\n');
        var start = Array.FindIndex(lines, line => Downgrade().IsMatch(line));
        if (start < 0)
        {
            return (false, null);
        }

        var indent = lines[start].Length - lines[start].TrimStart().Length;
        var body = lines.Skip(start + 1)
            .TakeWhile(line => line.Trim().Length == 0 || line.Length - line.TrimStart().Length > indent)
            .Select(line => line.Split('#', 2)[0].Trim())
            .Where(line => line.Length > 0)
            .ToList();
        return body.All(line => line == "pass" || line == "..." || Docstring().IsMatch(line)) ? (true, start + 1) : (true, null);
    }

    private static bool IsMigration(ProjectFile file) =>
        file.Path.EndsWith(".py", StringComparison.Ordinal) && file.Name != "__init__.py" && file.Path.Contains("/versions/", StringComparison.Ordinal)
        && (file.Path.Contains("alembic", StringComparison.Ordinal) || file.Path.Contains("migrations", StringComparison.Ordinal))
        && !file.Path.Contains("/.releases/", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*def\s+downgrade\s*\(")]
    private static partial Regex Downgrade();

    [GeneratedRegex(@"^[rRbBuU]?(""""""|''').*(""""""|''')$|^[rRbBuU]?(""""""|''')|^(""""""|''')$")]
    private static partial Regex Docstring();
}
