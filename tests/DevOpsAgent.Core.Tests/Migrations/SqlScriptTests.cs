using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Core.Tests.Migrations;

public sealed class SqlScriptTests
{
    [Fact]
    public void A_semicolon_in_a_string_an_identifier_a_dollar_body_or_a_comment_does_not_end_the_statement() =>
        Assert.Equal(
            [
                "CREATE TABLE t (note TEXT DEFAULT 'it''s; fine', \"a;b\" INT)",
                "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 'a;b'; RETURN NEW; END; $body$ LANGUAGE plpgsql",
                "SELECT E'\\'; still a string'",
                "SELECT 1",
            ],
            SqlScript.Statements("""
                CREATE TABLE t (note TEXT DEFAULT 'it''s; fine', "a;b" INT); -- a comment; with a semicolon
                CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 'a;b'; RETURN NEW; END; $body$ LANGUAGE plpgsql;
                /* a block /* nested; */ comment; */
                SELECT E'\'; still a string';
                SELECT 1
                """).Select(s => string.Join(' ', s.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))));

    [Fact]
    public void A_positional_parameter_is_not_a_dollar_quote() =>
        Assert.Equal(["PREPARE p AS SELECT $1", "SELECT 2"], SqlScript.Statements("PREPARE p AS SELECT $1; SELECT 2;"));

    [Fact]
    public void Alembic_offline_output_splits_per_revision_and_the_preamble_goes_to_the_first() =>
        Assert.Equal(
            [
                ("0001", new[] { "BEGIN", "CREATE TABLE alembic_version (v VARCHAR(32) NOT NULL)", "CREATE TABLE items (id SERIAL NOT NULL)", "INSERT INTO alembic_version (version_num) VALUES ('0001')" }),
                ("0003", new[] { "ALTER TABLE items ADD COLUMN x INTEGER", "UPDATE alembic_version SET version_num='0003'", "COMMIT" }),
            ],
            SqlScript.ByRevision("""
                BEGIN;

                CREATE TABLE alembic_version (v VARCHAR(32) NOT NULL);

                -- Running upgrade  -> 0001

                CREATE TABLE items (id SERIAL NOT NULL);

                INSERT INTO alembic_version (version_num) VALUES ('0001');

                -- Running upgrade 0001, 0002 -> 0003

                ALTER TABLE items ADD COLUMN x INTEGER;

                UPDATE alembic_version SET version_num='0003';

                COMMIT;

                """).Select(r => (r.Revision, r.Statements.ToArray())));

    [Fact]
    public void Printed_statements_have_their_string_literals_cut_and_their_whitespace_collapsed() =>
        Assert.Equal(
            "UPDATE users SET token = 'sec…', flag = 'y' WHERE body = $$…$$",
            SqlScript.Display("UPDATE users\n    SET token = 'secret-token-value', flag = 'y' WHERE body = $$ long; body $$"));

    [Fact]
    public void A_long_statement_is_cut_to_160_characters() =>
        Assert.Equal(160, SqlScript.Display("CREATE TABLE t (" + string.Join(", ", Enumerable.Range(0, 50).Select(i => $"c{i} INT")) + ")").Length);
}
