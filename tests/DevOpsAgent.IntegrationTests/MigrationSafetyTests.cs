using System.Text.Json;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Ssh;
using Xunit.Abstractions;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Issue 11's migration safety against the reference stack's real revisions: the SQL comes from alembic's offline
/// mode in the stack's own backend image on the test bed, and the verdicts are checked against what the migration
/// files in the bed's origin really do (0001 creates items, 0002 adds a column with a constant default, 0003 adds a
/// nullable column and a foreign key without NOT VALID). A destructive revision is committed on a scratch branch of
/// the app folder's own clone, never in the shared origin, with a revision that queries the database, which
/// offline mode cannot render.
/// </summary>
public sealed class MigrationSafetyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int HttpPort = 18141;

    private const string DestructiveRevision = """
        from alembic import op

        revision = "0004"
        down_revision = "0003"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            op.drop_column("items", "description")
            op.create_index("ix_items_name", "items", ["name"])


        def downgrade() -> None:
            pass
        """;

    /// <summary>A data query: alembic's offline mode cannot run it, so it stops rendering here.</summary>
    private const string QueryingRevision = """"
        """count items"""
        from alembic import op
        import sqlalchemy as sa

        revision = "0005"
        down_revision = "0004"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            if op.get_bind().execute(sa.text("SELECT count(*) FROM items")).scalar() > 0:
                op.execute("UPDATE items SET name = lower(name)")


        def downgrade() -> None:
            pass
        """";

    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-migsafety-").FullName;
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;
    private SshCommandRunner _ssh = null!;
    private ComposeCommands _compose = null!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token;

    private string ConfigFile => Path.Combine(_scratch, "devops-agent.yml");

    public async Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "migsafe");
        File.Delete(_app.ConfigFile);
        var password = Guid.NewGuid().ToString("N");
        _app.WriteFile(".env", $"""
            APP_ENV=staging
            POSTGRES_USER=shop
            POSTGRES_PASSWORD={password}
            POSTGRES_DB=shop
            DATABASE_URL=postgresql://shop:{password}@db:5432/shop
            SECRET_KEY={Guid.NewGuid():N}{Guid.NewGuid():N}
            VITE_API_BASE_URL=
            HTTP_PORT={HttpPort}

            """);
        var server = TestBed.Current.Server("staging");
        File.WriteAllText(ConfigFile, $"""
            project: migsafe
            repository: {TestBed.Current.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
            environments:
              staging:
                server: {server.Host}
                port: {server.SshPort}
                user: deploy
                path: {_app.Path}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {TestBed.Current.KnownHostsFile}
                branch: staging
                compose_project: {_app.Name}
                health:
                  timeout: 180s
                  interval: 1s
                  http:
                    - url: http://localhost:{HttpPort}/health
                      json:
                        status: healthy
                  database: db
            """);
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        _ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var flavor = ComposeDetection.Parse((await _ssh.RunAsync(ComposeDetection.Detect(), Timeout)).EnsureSuccess().StandardOutput);
        _compose = new ComposeCommands(flavor, _app.Path, _app.Name, ["docker-compose.prod.yml"]);
    }

    public async Task DisposeAsync()
    {
        // ScratchApp removes containers, volumes and networks; the images this test's deploy and build made are
        // its own too (their repository is the scratch project's name), so they go as well.
        await _ssh.RunAsync(ShellCommand.Raw(
            $"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{_app.Name}[-_]' | xargs -r docker rmi -f >/dev/null"), Timeout);
        await _ssh.DisposeAsync();
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task Migrations_shows_each_pending_revision_of_the_reference_stack_with_its_real_safety_verdict()
    {
        var deploy = await CliAsync("deploy", "staging", "--ref", "v1.0.0", "--project-dir", Path.GetDirectoryName(AgentCli.ExampleConfig)!);
        Assert.True(deploy.ExitCode == 0, deploy.Out + deploy.Error);

        // From an empty database: the whole history, rendered offline by the real image.
        var alembic = new AlembicCommands(_compose, new MigrationsConfig());
        var fromBase = MigrationSafety.Classify(["0001"], await ServerAsync(alembic.UpgradeSql(null, "0001")));
        Assert.Equal([(MigrationRisk.Additive, "creates a new table")], Assert.Single(fromBase).Findings.Select(f => (f.Category, f.Reason)));
        Assert.StartsWith("CREATE TABLE items ( id SERIAL NOT NULL, name VARCHAR(200) NOT NULL,", fromBase[0].Findings[0].Statement, StringComparison.Ordinal);

        // The code moves to v1.3.0-bad-migration plus a destructive 0004 and a 0005 that queries, committed on a scratch branch of the
        // app folder's clone; the database stays at 0001.
        await ServerAsync(ShellCommand.Raw(
            $"git checkout -q -b migsafety-scratch v1.3.0-bad-migration && cat > backend/alembic/versions/0004_drop_description.py <<'EOF'\n{DestructiveRevision}\nEOF\n"
            + $"cat > backend/alembic/versions/0005_count_items.py <<'EOF'\n{QueryingRevision}\nEOF\n"
            + "git add backend/alembic/versions && git -c user.name=it -c user.email=it@example.com commit -qm 'drop items.description, count items'")
            .InDirectory(_app.Path));
        await ServerAsync(ShellCommand.Of("flock", [".", .. _compose.Flavor == ComposeFlavor.V2 ? ["docker", "compose"] : new[] { "docker-compose" },
            "-p", _app.Name, "-f", "docker-compose.prod.yml", "build", "backend"]).InDirectory(_app.Path));

        var json = await CliAsync("migrations", "staging", "--json");
        Assert.True(json.ExitCode == 0, json.Out + json.Error);
        using var document = JsonDocument.Parse(json.Out);
        var root = document.RootElement;
        Assert.Equal("0001", root.GetProperty("current").GetString());
        Assert.Equal(["0002", "0003", "0004", "0005"], root.GetProperty("pending").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.False(root.GetProperty("live_switch_allowed").GetBoolean());
        var safety = root.GetProperty("safety").EnumerateArray().ToDictionary(s => s.GetProperty("revision").GetString()!);
        Assert.Equal(["0002", "0003", "0004", "0005"], safety.Keys);

        Assert.Equal(("additive", true), Verdict(safety["0002"]));
        Assert.Equal(
            [("ALTER TABLE items ADD COLUMN description TEXT DEFAULT '' NOT NULL", "additive")],
            Findings(safety["0002"]));

        Assert.Equal(("locking", false), Verdict(safety["0003"]));
        Assert.Equal(
            [
                ("ALTER TABLE items ADD COLUMN category_id INTEGER", "additive"),
                ("ALTER TABLE items ADD CONSTRAINT items_category_id_fkey FOREIGN KEY(category_id) REFERENCES categories (id)", "locking"),
            ],
            Findings(safety["0003"]));
        Assert.Equal("ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration",
            safety["0003"].GetProperty("findings")[1].GetProperty("safe_alternative").GetString());

        Assert.Equal(("destructive", false), Verdict(safety["0004"]));
        Assert.Equal(
            [("ALTER TABLE items DROP COLUMN description", "destructive"), ("CREATE INDEX ix_items_name ON items (name)", "locking")],
            Findings(safety["0004"]));

        Assert.Equal(("unknown", false), Verdict(safety["0005"]));
        var notRendered = Assert.Single(safety["0005"].GetProperty("findings").EnumerateArray());
        Assert.Equal("could not render offline SQL (AttributeError: 'NoneType' object has no attribute 'scalar')", notRendered.GetProperty("reason").GetString());

        var text = await CliAsync("migrations", "staging");
        output.WriteLine(text.Out);
        Assert.True(text.ExitCode == 0, text.Out + text.Error);
        Assert.Contains("safety: additive (runs while the old release serves)", text.Out, StringComparison.Ordinal);
        Assert.Contains("safety: destructive (refused for a zero-downtime switch; needs a maintenance window)", text.Out, StringComparison.Ordinal);
        Assert.Contains("destructive: drops a column the old release may still read or write, with its data: ALTER TABLE items DROP COLUMN description", text.Out, StringComparison.Ordinal);
        Assert.Contains("instead: CREATE INDEX CONCURRENTLY", text.Out, StringComparison.Ordinal);
        Assert.Contains("Zero-downtime switch: refused (0003 locking, 0004 destructive, 0005 unknown); these need a maintenance window.", text.Out, StringComparison.Ordinal);

        // Rendering offline ran nothing.
        var revision = await ServerAsync(_compose.Exec("db", "sh", "-c", "psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -tAc 'SELECT version_num FROM alembic_version'"));
        Assert.Equal("0001", revision.Trim());
    }

    private static (string?, bool) Verdict(JsonElement revision) =>
        (revision.GetProperty("verdict").GetString(), revision.GetProperty("allows_live_switch").GetBoolean());

    private static IEnumerable<(string?, string?)> Findings(JsonElement revision) =>
        revision.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("statement").GetString(), f.GetProperty("category").GetString()));

    private Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args) => _cli.RunAsync([.. args, "--config", ConfigFile]);

    private async Task<string> ServerAsync(ShellCommand command) => (await _ssh.RunAsync(command, Timeout)).EnsureSuccess(_ssh.Target).StandardOutput;
}
