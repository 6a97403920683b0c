using System.Text.Json;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Ssh;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// Backups on the real test bed: a PostgreSQL stack of its own (project backup-it-…, no published port) in an app
/// folder of its own, dumped, changed, restored, and removed with its volume at the end.
/// </summary>
public sealed class BackupTests : IAsyncLifetime
{
    private const string ComposeFile = """
        services:
          db:
            image: postgres:15
            environment:
              POSTGRES_USER: ${POSTGRES_USER:?set POSTGRES_USER}
              POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}
              POSTGRES_DB: ${POSTGRES_DB:?set POSTGRES_DB}
            volumes:
              - db-data:/var/lib/postgresql/data
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U \"$${POSTGRES_USER}\" -d \"$${POSTGRES_DB}\""]
              interval: 2s
              timeout: 3s
              retries: 30
        volumes:
          db-data:
        """;

    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-backup-").FullName;
    private ScratchApp _app = null!;
    private AgentCli _cli = null!;
    private SshCommandRunner _ssh = null!;
    private ComposeCommands _compose = null!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    public async Task InitializeAsync()
    {
        _app = ScratchApp.Create("staging", "backup-it");
        _app.WriteFile("compose.yml", ComposeFile);
        _app.WriteFile(".env", $"POSTGRES_USER=itowner\nPOSTGRES_PASSWORD={Guid.NewGuid():N}\nPOSTGRES_DB=itdb\n");
        _cli = new AgentCli(Path.Combine(_scratch, "history.db"));
        _ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var flavor = ComposeDetection.Parse((await _ssh.RunAsync(ComposeDetection.Detect(), Timeout)).EnsureSuccess().StandardOutput);
        _compose = new ComposeCommands(flavor, _app.Path, _app.Name, ["compose.yml"]);
    }

    public async Task DisposeAsync()
    {
        await _ssh.RunAsync(_compose.Down(removeVolumes: true), Timeout);
        await _ssh.DisposeAsync();
        await _app.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Error)> CliAsync(params string[] args) => _cli.RunAsync([.. args, "--config", _app.ConfigFile]);

    [Fact]
    public async Task A_backup_taken_before_more_rows_were_written_brings_the_database_back_to_the_dumped_state()
    {
        await StartDatabaseAsync();
        await SqlAsync("CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'tea'), (2, 'cake'), (3, 'jam');");

        var backup = await BackupWorker.DumpAsync(_ssh, _compose, "db", _app.Path, "staging", "0001_init", Timeout);
        await SqlAsync("INSERT INTO orders VALUES (4, 'scone'), (5, 'cream'); DELETE FROM orders WHERE id = 1;");
        var listed = await CliAsync("backups", "staging", "--json");
        var unconfirmed = await CliAsync("restore", "staging", backup.Name);
        var rowsBeforeRestore = await SqlAsync("SELECT string_agg(item, ',' ORDER BY id) FROM orders");
        var restored = await CliAsync("restore", "staging", backup.Name, "--yes");

        Assert.Matches($"^{_app.Path}/backups/staging-\\d{{8}}-\\d{{6}}-0001_init\\.dump$", backup.Path);
        var onServer = await RunAsync($"stat -c '%a %s' {ShellQuoting.Quote(backup.Path)}; stat -c %a {ShellQuoting.Quote(_app.Path + "/backups")}; ls -a {ShellQuoting.Quote(_app.Path + "/backups")}");
        Assert.Equal($"600 {backup.Size}\n700\n.\n..\n{backup.Name}\n", onServer);
        Assert.True(backup.Size > 0);

        Assert.True(listed.ExitCode == 0, listed.Error);
        using var list = JsonDocument.Parse(listed.Out);
        var only = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal((backup.Name, backup.Path, backup.Size),
            (only.GetProperty("name").GetString(), only.GetProperty("path").GetString(), only.GetProperty("size").GetInt64()));

        Assert.Equal(ExitCodes.ConfirmationRequired, unconfirmed.ExitCode);
        Assert.Contains($"error: This would restore {_app.Path}/backups/{backup.Name} into the database of service db on staging", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was done; re-run with --yes to confirm.", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Equal("cake,jam,scone,cream", rowsBeforeRestore);

        Assert.True(restored.ExitCode == 0, restored.Error);
        // A restore changes the server: it holds the environment's lock and shows its steps like a deploy.
        Assert.Contains("ok   lock", restored.Out, StringComparison.Ordinal);
        Assert.EndsWith($"Restored {backup.Name} into the database of db on staging.\n", restored.Out, StringComparison.Ordinal);
        Assert.Equal("tea,cake,jam", await SqlAsync("SELECT string_agg(item, ',' ORDER BY id) FROM orders"));
    }

    [Fact]
    public async Task A_dump_of_a_stopped_database_fails_loudly_and_leaves_no_backup_file()
    {
        await StartDatabaseAsync();
        await RunAsync($"docker ps -q --filter {ShellQuoting.Quote($"label=com.docker.compose.project={_app.Name}")} | xargs -r docker stop");

        var error = await Assert.ThrowsAsync<CommandFailedException>(
            () => BackupWorker.DumpAsync(_ssh, _compose, "db", _app.Path, "staging", "before-migration", Timeout));

        Assert.Equal(ExitCodes.CommandFailed, error.ExitCode);
        Assert.NotEqual(0, error.Result.ExitCode);
        Assert.Equal(".\n..\n", await RunAsync($"ls -a {ShellQuoting.Quote(_app.Path + "/backups")}"));
        Assert.Empty(await BackupWorker.ListAsync(_ssh, _app.Path, Timeout));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a;b")]
    [InlineData("../../etc/passwd.dump")]
    public async Task A_restore_of_a_file_outside_the_backups_folder_is_refused(string name)
    {
        var refused = await CliAsync("restore", "staging", name, "--yes");

        Assert.Equal(ExitCodes.InvalidInput, refused.ExitCode);
        Assert.StartsWith($"error: Invalid backup file name '{name}': give a name listed by `devops-agent backups <env>`", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_of_a_backup_that_does_not_exist_says_so()
    {
        var missing = await CliAsync("restore", "staging", "staging-20250101-000000-nothing.dump", "--yes");

        Assert.Equal(ExitCodes.InvalidInput, missing.ExitCode);
        Assert.Contains($"There is no backup staging-20250101-000000-nothing.dump in {_app.Path}/backups on deploy@127.0.0.1:2222", missing.Error, StringComparison.Ordinal);
    }

    private async Task<string> SqlAsync(string sql)
    {
        var result = await _ssh.RunAsync(_compose.Exec("db", "psql", "-v", "ON_ERROR_STOP=1", "-U", "itowner", "-d", "itdb", "-tAq", "-c", sql), Timeout);
        return result.EnsureSuccess().StandardOutput.Trim();
    }

    private async Task<string> RunAsync(string script) => (await _ssh.RunAsync(ShellCommand.Raw(script), Timeout)).EnsureSuccess().StandardOutput;

    private async Task StartDatabaseAsync()
    {
        (await _ssh.RunAsync(_compose.Up(), Timeout)).EnsureSuccess();

        // Over TCP: the image's first-start server listens on its socket only, so a TCP answer means initialisation is over.
        var probe = _compose.Exec("db", "psql", "-h", "127.0.0.1", "-U", "itowner", "-d", "itdb", "-tAc", "SELECT 1");
        for (var attempt = 0; attempt < 90; attempt++)
        {
            if ((await _ssh.RunAsync(probe, Timeout)).Succeeded)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new InvalidOperationException($"the database of {_app.Name} did not become ready");
    }
}
