using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Migrations;

/// <summary>
/// The rules, one statement at a time, after squawk's (ban-drop-column, renaming-column, changing-column-type,
/// adding-required-field, require-concurrent-index-creation, adding-foreign-key-constraint, …) and
/// strong_migrations' checks. A statement on a table the same revision creates is always fine: the old release
/// cannot be using it, and it is empty.
/// </summary>
internal static partial class SafetyRules
{
    private const string Concurrently = "CREATE INDEX CONCURRENTLY (alembic: op.create_index(..., postgresql_concurrently=True) inside op.get_context().autocommit_block())";
    private const string NotValid = "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration";
    private const string LaterDrop = "stop using it in one release (remove it from the models), then drop it in a later release";
    private const string NewColumn = "add a new column, write both, backfill, switch reads, then drop the old one in a later release";

    public static IEnumerable<(MigrationRisk Category, string Reason, string? Alternative)> Judge(string statement, ISet<string> createdTables)
    {
        var shape = Shape(statement);
        if (Bookkeeping().IsMatch(shape))
        {
            yield break;
        }

        if (CreateTable().Match(shape) is { Success: true } create)
        {
            createdTables.Add(Name(create.Groups["table"].Value));
            yield return (MigrationRisk.Additive, "creates a new table", null);
        }
        else if (CreateIndex().Match(shape) is { Success: true } index)
        {
            yield return index.Groups["concurrently"].Success
                ? (MigrationRisk.Additive, "builds the index concurrently, without blocking writes", null)
                : createdTables.Contains(Name(index.Groups["table"].Value))
                    ? (MigrationRisk.Additive, "indexes a table this revision creates", null)
                    : (MigrationRisk.Locking, "builds the index while blocking every write to the table", Concurrently);
        }
        else if (shape.StartsWith("DROP INDEX ", StringComparison.Ordinal))
        {
            yield return shape.StartsWith("DROP INDEX CONCURRENTLY", StringComparison.Ordinal)
                ? (MigrationRisk.Additive, "drops the index concurrently", null)
                : (MigrationRisk.Locking, "drops the index under an ACCESS EXCLUSIVE lock, queued behind every running query", "DROP INDEX CONCURRENTLY");
        }
        else if (AdditiveObject().IsMatch(shape))
        {
            yield return (MigrationRisk.Additive, "creates a new object or documents one", null);
        }
        else if (AlterTable().Match(shape) is { Success: true } alter)
        {
            var table = Name(alter.Groups["table"].Value);
            foreach (var action in Actions(alter.Groups["actions"].Value))
            {
                yield return createdTables.Contains(table)
                    ? (MigrationRisk.Additive, "changes a table this revision creates", null)
                    : AlterAction(action);
            }
        }
        else if (DropObject().IsMatch(shape))
        {
            yield return (MigrationRisk.Destructive, "drops what the old release may still use, with its data", LaterDrop);
        }
        else if (shape.StartsWith("TRUNCATE", StringComparison.Ordinal))
        {
            yield return (MigrationRisk.Destructive, "deletes every row of the table", null);
        }
        else if (shape.StartsWith("DELETE ", StringComparison.Ordinal))
        {
            yield return (MigrationRisk.Destructive, "deletes data, review", "delete in batches outside the migration, after the release that stops using the rows");
        }
        else if (shape.StartsWith("UPDATE ", StringComparison.Ordinal))
        {
            yield return (MigrationRisk.Locking, "rewrites data, review: its rows stay locked until the migration commits", "backfill in batches outside the migration's transaction");
        }
        else if (shape.StartsWith("INSERT ", StringComparison.Ordinal))
        {
            yield return (MigrationRisk.Additive, "inserts rows", null);
        }
        else
        {
            yield return (MigrationRisk.Unknown, "unknown, review", null);
        }
    }

    private static (MigrationRisk, string, string?) AlterAction(string action)
    {
        if (action.StartsWith("RENAME TO ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Destructive, "renames the table: the old release's queries fail", "create the new table (or a view) and move over in steps; never rename under a running release");
        }

        if (action.StartsWith("RENAME CONSTRAINT ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Additive, "renames a constraint (metadata only)", null);
        }

        if (action.StartsWith("RENAME ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Destructive, "renames a column: the old release's queries fail", NewColumn);
        }

        if (action.StartsWith("VALIDATE CONSTRAINT ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Additive, "validates the constraint without blocking reads or writes", null);
        }

        if (action.StartsWith("DROP CONSTRAINT ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Additive, "drops a constraint (a short lock, no scan)", null);
        }

        if (AddConstraint().Match(action) is { Success: true } constraint)
        {
            return AddConstraintAction(action, constraint.Groups["kind"].Value);
        }

        if (action.StartsWith("ADD ", StringComparison.Ordinal))
        {
            return AddColumn(action);
        }

        if (action.StartsWith("DROP ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Destructive, "drops a column the old release may still read or write, with its data", LaterDrop);
        }

        if (AlterColumn().Match(action) is { Success: true } column)
        {
            return column.Groups["change"].Value switch
            {
                var c when c.StartsWith("TYPE ", StringComparison.Ordinal) || c.StartsWith("SET DATA TYPE ", StringComparison.Ordinal) =>
                    (MigrationRisk.Locking, "changes the column's type: rewrites the table under an ACCESS EXCLUSIVE lock, and the old release expects the old type", NewColumn),
                "SET NOT NULL" =>
                    (MigrationRisk.Locking, "scans the whole table under an ACCESS EXCLUSIVE lock, and the old release may still write NULLs",
                        "ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (no scan since PostgreSQL 12) in a later release"),
                "DROP NOT NULL" => (MigrationRisk.Additive, "allows NULLs (metadata only)", null),
                var c when c.StartsWith("SET DEFAULT ", StringComparison.Ordinal) || c == "DROP DEFAULT" =>
                    (MigrationRisk.Additive, "changes the column's default (metadata only)", null),
                _ => (MigrationRisk.Unknown, "unknown, review", null),
            };
        }

        return (MigrationRisk.Unknown, "unknown, review", null);
    }

    private static (MigrationRisk, string, string?) AddConstraintAction(string action, string kind)
    {
        if (action.EndsWith(" NOT VALID", StringComparison.Ordinal))
        {
            return (MigrationRisk.Additive, "adds the constraint NOT VALID: no scan, only new rows are checked", null);
        }

        if (action.Contains(" USING INDEX ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Additive, "adds the constraint over an index already built", null);
        }

        return kind switch
        {
            "PRIMARY KEY" or "UNIQUE" => (MigrationRisk.Locking, "builds a unique index while blocking reads and writes",
                $"CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … {kind} USING INDEX"),
            "FOREIGN KEY" => (MigrationRisk.Locking, "validates every row while blocking writes to both tables", NotValid),
            "CHECK" => (MigrationRisk.Locking, "checks every row while blocking reads and writes", NotValid),
            _ => (MigrationRisk.Locking, "builds an index and checks every row while blocking reads and writes", null),
        };
    }

    private static (MigrationRisk, string, string?) AddColumn(string action)
    {
        var definition = AddColumnPrefix().Replace(action, "");
        var hasDefault = DefaultClause().Match(definition);
        if (definition.Contains(" GENERATED ALWAYS AS ", StringComparison.Ordinal) || Serial().IsMatch(definition)
            || (hasDefault.Success && Volatile().IsMatch(hasDefault.Groups[1].Value)))
        {
            return (MigrationRisk.Locking, "a volatile default rewrites the whole table under an ACCESS EXCLUSIVE lock",
                "add the column without a default, set the default, then backfill in batches");
        }

        if (definition.Contains(" REFERENCES ", StringComparison.Ordinal))
        {
            return (MigrationRisk.Locking, "adds a foreign key that locks both tables while it validates", $"add the column, then {NotValid}");
        }

        if (definition.Contains("PRIMARY KEY", StringComparison.Ordinal) || definition.Contains(" UNIQUE", StringComparison.Ordinal))
        {
            return (MigrationRisk.Locking, "builds a unique index while blocking reads and writes", "add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX");
        }

        var notNull = NotNull().IsMatch(definition);
        return (notNull, hasDefault.Success) switch
        {
            (true, false) => (MigrationRisk.Destructive, "NOT NULL without a default: fails on a table with rows, and the old release's INSERTs fail",
                "add the column nullable, backfill, then SET NOT NULL in a later release (or give it a constant DEFAULT)"),
            (_, true) => (MigrationRisk.Additive, "adds a column with a constant default (no rewrite since PostgreSQL 11)", null),
            _ => (MigrationRisk.Additive, "adds a nullable column", null),
        };
    }

    /// <summary>The statement with literals emptied, identifier quotes dropped, whitespace collapsed, upper case.</summary>
    private static string Shape(string statement)
    {
        var emptied = Literal().Replace(statement, "''");
        return Spaces().Replace(emptied.Replace("\"", "", StringComparison.Ordinal), " ").Trim().ToUpperInvariant();
    }

    /// <summary>The ALTER TABLE actions, split on the commas between them (not those inside parentheses).</summary>
    private static IEnumerable<string> Actions(string actions)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < actions.Length; i++)
        {
            depth += actions[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (actions[i] == ',' && depth == 0)
            {
                yield return actions[start..i].Trim();
                start = i + 1;
            }
        }

        yield return actions[start..].Trim();
    }

    private static string Name(string qualified) => qualified[(qualified.LastIndexOf('.') + 1)..];

    [GeneratedRegex(@"^(BEGIN|COMMIT|END|START TRANSACTION)\b|^(SET|RESET) |^(CREATE TABLE|INSERT INTO|UPDATE|DELETE FROM) (PUBLIC\.)?ALEMBIC_VERSION\b")]
    private static partial Regex Bookkeeping();

    [GeneratedRegex(@"^CREATE (UNLOGGED |TEMP |TEMPORARY )?TABLE (IF NOT EXISTS )?(?<table>[\w.]+)")]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX (?<concurrently>CONCURRENTLY )?(IF NOT EXISTS )?([\w.]+ )?ON (ONLY )?(?<table>[\w.]+)")]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"^(CREATE (SEQUENCE|TYPE|SCHEMA|EXTENSION|VIEW|DOMAIN) |COMMENT ON |ALTER TYPE [\w.]+ ADD VALUE )")]
    private static partial Regex AdditiveObject();

    [GeneratedRegex(@"^ALTER TABLE (IF EXISTS )?(ONLY )?(?<table>[\w.]+) (?<actions>.+)$")]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"^DROP (TABLE|SEQUENCE|TYPE|VIEW|MATERIALIZED VIEW|SCHEMA|DOMAIN|FUNCTION) ")]
    private static partial Regex DropObject();

    [GeneratedRegex(@"^ADD (CONSTRAINT [\w.]+ )?(?<kind>PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK|EXCLUDE)\b")]
    private static partial Regex AddConstraint();

    [GeneratedRegex(@"^ADD (COLUMN )?(IF NOT EXISTS )?")]
    private static partial Regex AddColumnPrefix();

    [GeneratedRegex(@"^ALTER (COLUMN )?[\w.]+ (?<change>.+)$")]
    private static partial Regex AlterColumn();

    [GeneratedRegex(@" DEFAULT (.+?)(?= NOT NULL| NULL| CONSTRAINT| REFERENCES| CHECK| UNIQUE| PRIMARY KEY|$)")]
    private static partial Regex DefaultClause();

    [GeneratedRegex(@"\b(RANDOM|GEN_RANDOM_UUID|UUID_GENERATE_V[14]|CLOCK_TIMESTAMP|TIMEOFDAY|NEXTVAL|STATEMENT_TIMESTAMP)\s*\(")]
    private static partial Regex Volatile();

    [GeneratedRegex(@"^\S+ (SMALL|BIG)?SERIAL\b")]
    private static partial Regex Serial();

    [GeneratedRegex(@" NOT NULL\b")]
    private static partial Regex NotNull();

    [GeneratedRegex(@"'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$", RegexOptions.Singleline)]
    private static partial Regex Literal();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
