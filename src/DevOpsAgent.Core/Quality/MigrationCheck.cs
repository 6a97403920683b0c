using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Quality;

/// <summary>Alembic migrations (<c>versions/*.py</c>) must be reversible: a <c>downgrade()</c> that does something.</summary>
public static partial class MigrationCheck
{
    public static IEnumerable<Finding> Run(ProjectSnapshot project)
    {
        foreach (var file in project.Files.Where(IsMigration))
        {
            var lines = file.Content.Split('\n');
            var start = Array.FindIndex(lines, line => Downgrade().IsMatch(line));
            if (start < 0)
            {
                yield return new Finding("migration-no-downgrade", Severity.Error, file.Path, 0, "the migration has no downgrade()",
                    "write downgrade() so that 'alembic downgrade -1' can roll the release back");
                continue;
            }

            var indent = lines[start].Length - lines[start].TrimStart().Length;
            var body = lines.Skip(start + 1)
                .TakeWhile(line => line.Trim().Length == 0 || line.Length - line.TrimStart().Length > indent)
                .Select(line => line.Split('#', 2)[0].Trim())
                .Where(line => line.Length > 0)
                .ToList();
            if (body.All(line => line == "pass" || line == "..." || Docstring().IsMatch(line)))
            {
                yield return new Finding("migration-no-downgrade", Severity.Error, file.Path, start + 1, "downgrade() does nothing (only pass)",
                    "undo upgrade() in downgrade() so that 'alembic downgrade -1' can roll the release back");
            }
        }
    }

    private static bool IsMigration(ProjectFile file) =>
        file.Path.EndsWith(".py", StringComparison.Ordinal) && file.Path.Contains("/versions/", StringComparison.Ordinal)
        && (file.Path.Contains("alembic", StringComparison.Ordinal) || file.Path.Contains("migrations", StringComparison.Ordinal))
        && !file.Path.Contains("/.releases/", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*def\s+downgrade\s*\(")]
    private static partial Regex Downgrade();

    [GeneratedRegex(@"^[rRbBuU]?(""""""|''').*(""""""|''')$|^[rRbBuU]?(""""""|''')|^(""""""|''')$")]
    private static partial Regex Docstring();
}
