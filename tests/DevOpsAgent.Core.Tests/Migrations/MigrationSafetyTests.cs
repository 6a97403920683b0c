using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Tests.Migrations;

/// <summary>The statements are the shapes alembic 1.8 renders offline for PostgreSQL (see Fixtures/alembic-sql).</summary>
public sealed class MigrationSafetyTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "alembic-sql", name));

    private static SafetyFinding Judge(string statement) => Assert.Single(MigrationSafety.Revision(new RevisionSql("r1", [statement])).Findings);

    [Theory]
    [InlineData("CREATE TABLE orders (\n    id SERIAL NOT NULL, \n    note TEXT DEFAULT 'x', \n    PRIMARY KEY (id)\n)", "creates a new table")]
    [InlineData("CREATE TABLE IF NOT EXISTS public.\"Orders\" (id INTEGER)", "creates a new table")]
    [InlineData("ALTER TABLE items ADD COLUMN price NUMERIC(10, 2)", "adds a nullable column")]
    [InlineData("ALTER TABLE items ADD COLUMN unique_code TEXT", "adds a nullable column")]
    [InlineData("ALTER TABLE items ADD COLUMN IF NOT EXISTS qty INTEGER NOT NULL DEFAULT 0", "constant default")]
    [InlineData("ALTER TABLE items ADD COLUMN qty INTEGER DEFAULT '0' NOT NULL", "constant default")]
    [InlineData("ALTER TABLE items ADD COLUMN description TEXT DEFAULT '' NOT NULL", "constant default")]
    [InlineData("ALTER TABLE items ADD COLUMN created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL", "constant default")]
    [InlineData("CREATE INDEX CONCURRENTLY ix_items_price ON items (price)", "concurrently")]
    [InlineData("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON items (sku)", "concurrently")]
    [InlineData("DROP INDEX CONCURRENTLY ix_items_price", "concurrently")]
    [InlineData("CREATE SEQUENCE order_seq", "new object")]
    [InlineData("CREATE TYPE mood AS ENUM ('sad', 'ok')", "new object")]
    [InlineData("ALTER TYPE mood ADD VALUE 'happy'", "new object")]
    [InlineData("COMMENT ON TABLE orders IS 'Orders; placed'", "documents")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT fk FOREIGN KEY(order_id) REFERENCES orders (id) NOT VALID", "NOT VALID")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT ck CHECK (qty >= 0) NOT VALID", "NOT VALID")]
    [InlineData("ALTER TABLE items VALIDATE CONSTRAINT fk", "without blocking")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX ix_items_id", "index already built")]
    [InlineData("ALTER TABLE items DROP CONSTRAINT ck_old", "drops a constraint")]
    [InlineData("ALTER TABLE items ALTER COLUMN name DROP NOT NULL", "allows NULLs")]
    [InlineData("ALTER TABLE items ALTER COLUMN name SET DEFAULT 'x'", "default")]
    [InlineData("INSERT INTO categories (name) VALUES ('books')", "inserts rows")]
    public void Additive_statements_run_while_the_old_release_serves(string statement, string reason)
    {
        var finding = Judge(statement);
        Assert.Equal(MigrationRisk.Additive, finding.Category);
        Assert.Contains(reason, finding.Reason, StringComparison.Ordinal);
        Assert.Null(finding.SafeAlternative);
    }

    [Theory]
    [InlineData("ALTER TABLE items DROP COLUMN description", "drops a column", "later release")]
    [InlineData("ALTER TABLE items DROP COLUMN IF EXISTS description", "drops a column", "later release")]
    [InlineData("ALTER TABLE items RENAME name TO title", "renames a column", "add a new column")]
    [InlineData("ALTER TABLE items RENAME COLUMN name TO title", "renames a column", "add a new column")]
    [InlineData("ALTER TABLE orders RENAME TO purchases", "renames the table", "never rename")]
    [InlineData("DROP TABLE legacy", "drops what the old release", "later release")]
    [InlineData("DROP TYPE mood", "drops what the old release", "later release")]
    [InlineData("ALTER TABLE items ADD COLUMN sku VARCHAR(20) NOT NULL", "NOT NULL without a default", "add the column nullable, backfill, then SET NOT NULL in a later release")]
    [InlineData("TRUNCATE audit", "deletes every row", null)]
    [InlineData("DELETE FROM items WHERE qty < 0", "deletes data, review", "batches")]
    public void Destructive_statements_break_the_old_release_or_lose_data(string statement, string reason, string? alternative)
    {
        var finding = Judge(statement);
        Assert.Equal(MigrationRisk.Destructive, finding.Category);
        Assert.Contains(reason, finding.Reason, StringComparison.Ordinal);
        AssertAlternative(alternative, finding);
    }

    [Theory]
    [InlineData("ALTER TABLE items ALTER COLUMN qty TYPE BIGINT", "changes the column's type", "add a new column, write both, backfill")]
    [InlineData("ALTER TABLE items ALTER COLUMN qty SET DATA TYPE BIGINT USING qty::bigint", "changes the column's type", "add a new column")]
    [InlineData("ALTER TABLE items ALTER COLUMN price SET NOT NULL", "scans the whole table", "CHECK (column IS NOT NULL) NOT VALID")]
    [InlineData("ALTER TABLE items ADD COLUMN uid UUID DEFAULT gen_random_uuid()", "volatile default", "backfill in batches")]
    [InlineData("ALTER TABLE items ADD COLUMN n INTEGER DEFAULT nextval('s') NOT NULL", "volatile default", "backfill in batches")]
    [InlineData("ALTER TABLE items ADD COLUMN n SERIAL NOT NULL", "volatile default", "backfill in batches")]
    [InlineData("ALTER TABLE items ADD COLUMN total NUMERIC GENERATED ALWAYS AS (qty * price) STORED", "volatile default", "backfill in batches")]
    [InlineData("ALTER TABLE items ADD COLUMN order_id INTEGER REFERENCES orders (id)", "locks both tables", "NOT VALID")]
    [InlineData("ALTER TABLE items ADD COLUMN code TEXT UNIQUE", "unique index", "CONCURRENTLY")]
    [InlineData("CREATE INDEX ix_items_name ON items (name)", "blocking every write", "CREATE INDEX CONCURRENTLY")]
    [InlineData("CREATE UNIQUE INDEX ix_items_title ON public.items (title)", "blocking every write", "CREATE INDEX CONCURRENTLY")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT items_order_fkey FOREIGN KEY(order_id) REFERENCES orders (id)", "validates every row", "NOT VALID, then VALIDATE CONSTRAINT")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT ck_qty CHECK (qty >= 0)", "checks every row", "NOT VALID, then VALIDATE CONSTRAINT")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT uq_sku UNIQUE (sku)", "unique index", "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX")]
    [InlineData("ALTER TABLE things ADD CONSTRAINT pk_x PRIMARY KEY (id)", "unique index", "PRIMARY KEY USING INDEX")]
    [InlineData("ALTER TABLE things ADD PRIMARY KEY (id)", "unique index", "PRIMARY KEY USING INDEX")]
    [InlineData("DROP INDEX ix_orders_note", "ACCESS EXCLUSIVE", "DROP INDEX CONCURRENTLY")]
    [InlineData("DROP INDEX IF EXISTS ix_orders_note", "ACCESS EXCLUSIVE", "DROP INDEX CONCURRENTLY")]
    [InlineData("ALTER TABLE items ADD CONSTRAINT unique_sku_fk FOREIGN KEY(sku) REFERENCES skus (code)", "validates every row", "NOT VALID")]
    [InlineData("CREATE INDEX ON items (name)", "blocking every write", "CONCURRENTLY")]
    [InlineData("UPDATE items SET qty = 1 WHERE qty IS NULL", "rewrites data, review", "batches")]
    public void Locking_statements_block_the_old_release_while_they_run(string statement, string reason, string alternative)
    {
        var finding = Judge(statement);
        Assert.Equal(MigrationRisk.Locking, finding.Category);
        Assert.Contains(reason, finding.Reason, StringComparison.Ordinal);
        AssertAlternative(alternative, finding);
    }

    [Theory]
    [InlineData("CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql")]
    [InlineData("CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION f()")]
    [InlineData("ALTER TABLE items DISABLE TRIGGER t")]
    [InlineData("ALTER TABLE items ALTER COLUMN name SET STATISTICS 500")]
    [InlineData("SELECT 1")]
    [InlineData("VACUUM FULL items")]
    public void Anything_unrecognised_is_unknown_and_needs_review(string statement)
    {
        var finding = Judge(statement);
        Assert.Equal((MigrationRisk.Unknown, "unknown, review"), (finding.Category, finding.Reason));
    }

    [Theory]
    [InlineData("BEGIN")]
    [InlineData("COMMIT")]
    [InlineData("SET lock_timeout = '5s'")]
    [InlineData("CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)")]
    [InlineData("INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num")]
    [InlineData("UPDATE alembic_version SET version_num='a2' WHERE alembic_version.version_num = 'a1'")]
    [InlineData("DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1'")]
    public void Transactions_and_alembic_version_bookkeeping_are_not_findings(string statement)
    {
        var safety = MigrationSafety.Revision(new RevisionSql("r1", [statement]));
        Assert.Empty(safety.Findings);
        Assert.Equal(MigrationRisk.Additive, safety.Verdict);
    }

    [Fact]
    public void Anything_on_a_table_the_same_revision_creates_is_fine_because_nothing_uses_it_yet()
    {
        var safety = MigrationSafety.Revision(new RevisionSql("r1",
        [
            "CREATE TABLE orders (id SERIAL NOT NULL, PRIMARY KEY (id))",
            "CREATE INDEX ix_orders_id ON orders (id)",
            "ALTER TABLE orders ADD COLUMN code TEXT NOT NULL",
            "ALTER TABLE public.orders ADD CONSTRAINT ck CHECK (id > 0)",
        ]));
        Assert.Equal(MigrationRisk.Additive, safety.Verdict);
        Assert.True(safety.AllowsLiveSwitch);
        Assert.Equal(4, safety.Findings.Count);
    }

    [Fact]
    public void An_index_on_another_table_than_the_one_created_still_locks() =>
        Assert.Equal(MigrationRisk.Locking, MigrationSafety.Revision(new RevisionSql("r1",
            ["CREATE TABLE orders (id INTEGER)", "CREATE INDEX ix_items_name ON items (name)"])).Verdict);

    [Fact]
    public void Several_actions_in_one_alter_table_are_judged_one_by_one_and_the_worst_wins()
    {
        var safety = MigrationSafety.Revision(new RevisionSql("r1", ["ALTER TABLE items ADD COLUMN a NUMERIC(10, 2), DROP COLUMN b, ALTER COLUMN c TYPE BIGINT"]));
        Assert.Equal([MigrationRisk.Additive, MigrationRisk.Destructive, MigrationRisk.Locking], safety.Findings.Select(f => f.Category));
        Assert.Equal(MigrationRisk.Destructive, safety.Verdict);
        Assert.False(safety.AllowsLiveSwitch);
        Assert.Equal(2, safety.Problems.Count());
    }

    [Fact]
    public void Keywords_inside_string_literals_do_not_count() =>
        Assert.Equal(MigrationRisk.Additive, Judge("ALTER TABLE items ADD COLUMN note TEXT DEFAULT ' NOT NULL DROP COLUMN x gen_random_uuid()'").Category);

    [Fact]
    public void A_finding_prints_the_statement_with_literals_cut_and_secret_looking_values_masked() =>
        Assert.Equal(
            ["UPDATE users SET note = 'hel…' WHERE id = 1", "UPDATE users SET api_key = *** WHERE id = 1"],
            [Judge("UPDATE users SET note = 'hello world' WHERE id = 1").Statement, Judge("UPDATE users SET api_key = 'sk-live-0123456789' WHERE id = 1").Statement]);

    [Fact]
    public void Real_offline_sql_from_an_empty_database_is_additive_and_its_function_body_is_one_statement()
    {
        var safety = Assert.Single(MigrationSafety.Classify(["a1"], Fixture("base-to-a1.sql")));
        Assert.Equal(
            [
                (MigrationRisk.Additive, "creates a new table"),
                (MigrationRisk.Additive, "indexes a table this revision creates"),
                (MigrationRisk.Additive, "adds a nullable column"),
                (MigrationRisk.Additive, "adds a column with a constant default (no rewrite since PostgreSQL 11)"),
                (MigrationRisk.Additive, "creates a new object or documents one"),
                (MigrationRisk.Additive, "builds the index concurrently, without blocking writes"),
                (MigrationRisk.Additive, "adds the constraint NOT VALID: no scan, only new rows are checked"),
                (MigrationRisk.Unknown, "unknown, review"),
            ],
            safety.Findings.Select(f => (f.Category, f.Reason)));
        Assert.Equal("CREATE FUNCTION f() RETURNS trigger AS $$…$$ LANGUAGE plpgsql", safety.Findings[^1].Statement);
        Assert.Equal(MigrationRisk.Unknown, safety.Verdict);
    }

    [Fact]
    public void Real_offline_sql_of_a_destructive_revision_then_one_needing_a_connection()
    {
        var safety = MigrationSafety.Classify(["a2", "a3"], Fixture("a1-to-a3-get-bind-fails.sql"), "AttributeError: 'NoneType' object has no attribute 'fetchall'");

        Assert.Equal(("a2", MigrationRisk.Destructive), (safety[0].Revision, safety[0].Verdict));
        Assert.Equal(
            [
                ("ALTER TABLE items DROP COLUMN description", MigrationRisk.Destructive),
                ("ALTER TABLE items RENAME name TO title", MigrationRisk.Destructive),
                ("ALTER TABLE items ALTER COLUMN qty TYPE BIGINT", MigrationRisk.Locking),
                ("ALTER TABLE items ALTER COLUMN price SET NOT NULL", MigrationRisk.Locking),
                ("ALTER TABLE items ADD COLUMN sku VARCHAR(20) NOT NULL", MigrationRisk.Destructive),
                ("ALTER TABLE items ADD COLUMN uid UUID DEFAULT gen_random_uuid()", MigrationRisk.Locking),
                ("CREATE UNIQUE INDEX ix_items_title ON items (title)", MigrationRisk.Locking),
                ("ALTER TABLE items ADD CONSTRAINT items_order_fkey FOREIGN KEY(order_id) REFERENCES orders (id)", MigrationRisk.Locking),
                ("ALTER TABLE items ADD CONSTRAINT ck_qty CHECK (qty >= 0)", MigrationRisk.Locking),
                ("ALTER TABLE items ADD CONSTRAINT uq_sku UNIQUE (sku)", MigrationRisk.Locking),
                ("ALTER TABLE things ADD CONSTRAINT pk_x PRIMARY KEY (id)", MigrationRisk.Locking),
                ("DROP INDEX ix_orders_note", MigrationRisk.Locking),
                ("ALTER TABLE orders RENAME TO purchases", MigrationRisk.Destructive),
                ("DROP TABLE legacy", MigrationRisk.Destructive),
                ("TRUNCATE audit", MigrationRisk.Destructive),
                ("UPDATE items SET qty = 1 WHERE qty IS NULL", MigrationRisk.Locking),
                ("DELETE FROM items WHERE qty < 0", MigrationRisk.Destructive),
                ("ALTER TABLE items DROP CONSTRAINT ck_old", MigrationRisk.Additive),
                ("ALTER TABLE items VALIDATE CONSTRAINT fk", MigrationRisk.Additive),
            ],
            safety[0].Findings.Select(f => (f.Statement, f.Category)));
        Assert.All(safety[0].Findings, f => Assert.Equal("a2", f.Revision));

        var notRendered = Assert.Single(safety[1].Findings);
        Assert.Equal(("a3", MigrationRisk.Unknown), (safety[1].Revision, safety[1].Verdict));
        Assert.Equal("could not render offline SQL (AttributeError: 'NoneType' object has no attribute 'fetchall')", notRendered.Reason);
    }

    [Fact]
    public void When_alembic_fails_before_printing_anything_every_pending_revision_is_unknown_not_a_crash()
    {
        var safety = MigrationSafety.Classify(["0002", "0003"], "", "exit code 1");
        Assert.Equal([("0002", MigrationRisk.Unknown), ("0003", MigrationRisk.Unknown)], safety.Select(s => (s.Revision, s.Verdict)));
        Assert.All(safety, s => Assert.StartsWith("could not render offline SQL", Assert.Single(s.Findings).Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_render_error_quoting_the_database_url_never_shows_its_password() =>
        Assert.Equal(
            "could not render offline SQL (sqlalchemy.exc.ArgumentError: Could not parse URL from string 'postgresql://shop:***@db:5432/shop')",
            Assert.Single(Assert.Single(MigrationSafety.Classify(["0002"], "", "sqlalchemy.exc.ArgumentError: Could not parse URL from string 'postgresql://shop:s3cret@db:5432/shop'")).Findings).Reason);

    [Theory]
    [InlineData("Creating shop_backend_run ... done\nINFO  [alembic.runtime.migration] Running upgrade 0004 -> 0005, count items\nTraceback (most recent call last):\n"
        + "  File \"/m/versions/0005.py\", line 6, in upgrade\n    ^^^^^^^^\nAttributeError: 'NoneType' object has no attribute 'scalar'\n1\n",
        "AttributeError: 'NoneType' object has no attribute 'scalar'")]
    [InlineData("  FAILED: Can't locate revision identified by '0009'\n", "FAILED: Can't locate revision identified by '0009'")]
    [InlineData("DATABASE_URL is not set; alembic reads it from the environment\n", "DATABASE_URL is not set; alembic reads it from the environment")]
    [InlineData("1\n", "exit code 1")]
    public void The_render_error_is_the_exception_line_not_the_exit_code_compose_prints_after_it(string standardError, string expected) =>
        Assert.Equal(expected, MigrationSafety.RenderError(standardError, 1));

    [Fact]
    public void A_revision_with_nothing_but_bookkeeping_is_additive() =>
        Assert.Equal(MigrationRisk.Additive, Assert.Single(MigrationSafety.Classify(["0002"], "-- Running upgrade 0001 -> 0002\n\nUPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';\n")).Verdict);

    private static void AssertAlternative(string? expected, SafetyFinding finding)
    {
        if (expected is null)
        {
            Assert.Null(finding.SafeAlternative);
        }
        else
        {
            Assert.Contains(expected, finding.SafeAlternative, StringComparison.Ordinal);
        }
    }
}
