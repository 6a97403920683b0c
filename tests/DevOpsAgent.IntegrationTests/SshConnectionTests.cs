using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Ssh;

namespace DevOpsAgent.IntegrationTests;

public sealed class SshConnectionTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("devops-agent-ssh-").FullName;
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task I_can_run_commands_on_the_staging_server_as_the_deploy_user()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        var lines = new List<string>();

        var result = await ssh.RunAsync(ShellCommand.Raw("id -un; id -Gn; test -d /var/www/shop && echo app-dir"), Timeout, lines.Add);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["deploy", "app-dir"], new[] { lines[0], lines[2] });
        Assert.Contains("docker", lines[1].Split(' '));
        Assert.Equal("deploy@127.0.0.1:2222", ssh.Target);
    }

    [Fact]
    public async Task One_connection_serves_many_commands_and_reports_failures_with_stderr()
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"{i}\n", (await ssh.RunAsync(ShellCommand.Of("echo", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Timeout)).StandardOutput);
        }

        var failed = await ssh.RunAsync(ShellCommand.Raw("echo oops >&2; exit 3"), Timeout);
        Assert.Equal(3, failed.ExitCode);
        var error = Assert.Throws<CommandFailedException>(() => failed.EnsureSuccess(ssh.Target));
        Assert.Equal("`echo oops >&2; exit 3` failed on deploy@127.0.0.1:2222 with exit code 3: oops", error.Message);
    }

    [Fact]
    public async Task The_servers_are_separate_machines_as_far_as_the_app_folder_goes()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using (var staging = await TestBed.Current.ConnectAsync("staging", Timeout))
        {
            (await staging.RunAsync(ShellCommand.Of("touch", $"/var/www/shop/{marker}"), Timeout)).EnsureSuccess();
        }

        await using var production = await TestBed.Current.ConnectAsync("production", Timeout);
        Assert.Equal(1, (await production.RunAsync(ShellCommand.Of("test", "-e", $"/var/www/shop/{marker}"), Timeout)).ExitCode);

        await using var again = await TestBed.Current.ConnectAsync("staging", Timeout);
        (await again.RunAsync(ShellCommand.Of("rm", $"/var/www/shop/{marker}"), Timeout)).EnsureSuccess();
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused()
    {
        var knownHosts = Path.Combine(_scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(
            () => SshCommandRunner.ConnectAsync(TestBed.Current.Target("staging", knownHosts), Timeout));

        Assert.StartsWith("Host key of [127.0.0.1]:2222 is unknown (ssh-ed25519 SHA256:", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ConnectionFailed, error.ExitCode);
        Assert.Equal("", await File.ReadAllTextAsync(knownHosts));
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_even_when_accepting_new_keys()
    {
        // Staging's address with production's key: what a man in the middle looks like.
        var productionKey = File.ReadAllText(Path.Combine(TestBed.Current.Directory, "servers/production/ssh_host_ed25519_key.pub")).Split(' ');
        var knownHosts = Path.Combine(_scratch, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"[127.0.0.1]:2222 {productionKey[0]} {productionKey[1]}\n");

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(
            () => SshCommandRunner.ConnectAsync(TestBed.Current.Target("staging", knownHosts, acceptNewHostKey: true), Timeout));

        Assert.Contains("has CHANGED", error.Message, StringComparison.Ordinal);
        Assert.Contains("man-in-the-middle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_host_key_is_remembered_when_explicitly_accepted()
    {
        var knownHosts = Path.Combine(_scratch, "known_hosts");

        await using (var first = await SshCommandRunner.ConnectAsync(TestBed.Current.Target("staging", knownHosts, acceptNewHostKey: true), Timeout))
        {
            Assert.Equal(0, (await first.RunAsync(ShellCommand.Of("true"), Timeout)).ExitCode);
        }

        var stagingKey = File.ReadAllText(Path.Combine(TestBed.Current.Directory, "servers/staging/ssh_host_ed25519_key.pub")).Split(' ');
        Assert.Equal($"[127.0.0.1]:2222 {stagingKey[0]} {stagingKey[1]}\n", await File.ReadAllTextAsync(knownHosts));
        await using var second = await SshCommandRunner.ConnectAsync(TestBed.Current.Target("staging", knownHosts), Timeout);
        Assert.Equal(0, (await second.RunAsync(ShellCommand.Of("true"), Timeout)).ExitCode);
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_error_not_a_crash()
    {
        var target = TestBed.Current.Target("staging") with { Port = 1 };

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => SshCommandRunner.ConnectAsync(target, Timeout));

        Assert.StartsWith("Cannot connect to deploy@127.0.0.1:1:", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
