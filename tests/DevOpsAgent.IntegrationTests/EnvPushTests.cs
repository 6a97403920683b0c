using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// <c>env push</c> and <c>env diff</c> over SFTP to the staging server, in a folder of their own
/// (/var/www/envpush-it-…): the shared /var/www/shop/.env is never touched.
/// </summary>
public sealed class EnvPushTests : IDisposable
{
    private readonly string _canary = "canary-" + Guid.NewGuid().ToString("N");
    private readonly string _folder = "envpush-it-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _local = Directory.CreateTempSubdirectory("devops-agent-envpush-").FullName;

    public EnvPushTests()
    {
        // /var/www on a test bed server is root's; the folder is made from this side of the server's mount.
        Run("install", "-d", "-o", "deploy", "-g", "deploy", "-m", "755", HostFolder);
        WriteConfig(TestBed.Current.KnownHostsFile);
    }

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private string HostFolder => Path.Combine(TestBed.Current.Directory, "servers", "staging", "www", _folder);

    private string RemoteFolder => $"/var/www/{_folder}";

    [Fact]
    public async Task I_can_push_a_dotenv_over_sftp_and_it_lands_with_mode_0600_keeping_the_previous_one()
    {
        var first = WriteDotenv("A=1\nSECRET_KEY=first-value\n");
        var (firstCode, firstOutput, _) = await RunAsync("env", "push", "staging");
        var second = WriteDotenv($"A=1\nSECRET_KEY={_canary}\nNEW=x\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal((ExitCodes.Success, ExitCodes.Success), (firstCode, code));
        Assert.Contains("there was no .env on the server", firstOutput, StringComparison.Ordinal);
        Assert.Contains("  ~ SECRET_KEY", output, StringComparison.Ordinal);
        Assert.Contains("  + NEW", output, StringComparison.Ordinal);
        Assert.Contains($"kept as {RemoteFolder}/.env.previous", output, StringComparison.Ordinal);
        Assert.DoesNotContain(_canary, output + error, StringComparison.Ordinal);
        Assert.Equal(
            $"600 deploy {Sha256(second)} .env\n600 deploy {Sha256(first)} .env.previous\n",
            await OnServerAsync("for f in .env .env.previous; do echo \"$(stat -c '%a %U' $f) $(sha256sum < $f | cut -d' ' -f1) $f\"; done"));
        // .devops-agent holds the lock and journal a push takes like every operation that changes the server.
        Assert.Equal(".devops-agent\n.env\n.env.previous\n", await OnServerAsync("ls -A"));
    }

    [Fact]
    public async Task A_reader_on_the_server_sees_the_old_file_or_the_new_one_never_a_mix()
    {
        var contents = new[] { WriteDotenv($"SECRET_KEY={_canary}\n" + new string('#', 200_000) + "\n"), WriteDotenv("SECRET_KEY=other\n") };
        await RunAsync("env", "push", "staging");
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        // The reader reads until told to stop (a loaded machine makes a push slow; a fixed reading time may see too few).
        var stop = $"/tmp/env-push-reads-{Guid.NewGuid():N}";
        var reader = ssh.RunAsync(ShellCommand.Raw(
            $"cd {RemoteFolder} && end=$(( $(date +%s) + 100 )); while [ ! -e {stop} ] && [ $(date +%s) -lt $end ]; do sha256sum < .env | cut -d' ' -f1; done | sort -u; rm -f {stop}"), Timeout);

        var pushes = 0;
        while (pushes < 4 && !reader.IsCompleted)
        {
            WriteDotenv(contents[pushes++ % 2]);
            Assert.Equal(ExitCodes.Success, (await RunAsync("env", "push", "staging")).ExitCode);
        }

        await OnServerAsync($"touch {stop}");
        var seen = (await reader).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
        Assert.True(pushes == 4, $"only {pushes} push(es) during the reads");
        Assert.Equal(contents.Select(Sha256).Order().ToList(), seen);
        // .devops-agent holds the lock and journal a push takes like every operation that changes the server.
        Assert.Equal(".devops-agent\n.env\n.env.previous\n", await OnServerAsync("ls -A"));
    }

    [Fact]
    public async Task Env_diff_names_the_keys_that_differ_and_exits_EnvDiffers()
    {
        WriteDotenv($"A=1\nSECRET_KEY=old-value\nGONE=1\n");
        await RunAsync("env", "push", "staging");
        WriteDotenv($"A=1\nSECRET_KEY={_canary}\nNEW=1\n");

        var (code, output, error) = await RunAsync("env", "diff", "staging");
        await RunAsync("env", "push", "staging");
        var (same, sameOutput, _) = await RunAsync("env", "diff", "staging");

        Assert.Equal(ExitCodes.EnvDiffers, code);
        Assert.Equal(["  + NEW", "  ~ SECRET_KEY", "  - GONE"], output.Split('\n').Where(line => line.StartsWith("  ", StringComparison.Ordinal)));
        Assert.DoesNotContain(_canary, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("old-value", output + error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, same);
        Assert.Contains("same keys and values", sameOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_dotenv_is_refused_by_line_and_nothing_reaches_the_server()
    {
        var good = WriteDotenv("A=1\n");
        await RunAsync("env", "push", "staging");
        WriteDotenv($"A=2\nSECRET_KEY=\"{_canary}\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("error: .env: line 3: unterminated quoted value", error.Trim());
        Assert.DoesNotContain(_canary, output + error, StringComparison.Ordinal);
        Assert.Equal($"{Sha256(good)}\n.devops-agent\n.env\n", await OnServerAsync("sha256sum < .env | cut -d' ' -f1; ls -A"));
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_and_nothing_is_uploaded()
    {
        var knownHosts = Path.Combine(_local, "empty_known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");
        WriteConfig(knownHosts);
        WriteDotenv($"SECRET_KEY={_canary}\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal(ExitCodes.ConnectionFailed, code);
        Assert.StartsWith("error: Host key of [127.0.0.1]:2222 is unknown", error, StringComparison.Ordinal);
        Assert.DoesNotContain(_canary, output + error, StringComparison.Ordinal);
        Assert.Equal("", await OnServerAsync("ls -A"));
        Assert.Equal("", await File.ReadAllTextAsync(knownHosts));
    }

    [Fact]
    public async Task A_folder_the_deploy_user_cannot_create_is_one_clear_error()
    {
        WriteConfig(TestBed.Current.KnownHostsFile, $"/var/www/{_folder}-not-allowed");
        WriteDotenv($"SECRET_KEY={_canary}\n");

        var (code, output, error) = await RunAsync("env", "push", "staging");

        Assert.Equal(ExitCodes.CommandFailed, code);
        // The push takes the environment's lock first, so the folder it cannot create is the lock's.
        Assert.StartsWith($"error: Cannot take the deploy lock /var/www/{_folder}-not-allowed/.devops-agent/lock on deploy@127.0.0.1:2222: ", error, StringComparison.Ordinal);
        Assert.Contains("Permission denied", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Trim());
        Assert.DoesNotContain(_canary, output + error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_local, recursive: true);
        Directory.Delete(HostFolder, recursive: true);
    }

    private string WriteDotenv(string content)
    {
        File.WriteAllText(Path.Combine(_local, ".env"), content);
        return content;
    }

    private void WriteConfig(string knownHosts, string? path = null)
    {
        var staging = TestBed.Current.Server("staging");
        File.WriteAllText(Path.Combine(_local, "devops-agent.yml"), $"""
            project: envpush
            repository: {TestBed.Current.Origin}
            environments:
              staging:
                server: {staging.Host}
                port: {staging.SshPort}
                user: deploy
                path: {path ?? RemoteFolder}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {knownHosts}
                branch: staging
            """);
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(
            [.. arguments, "--dir", _local, "--config", Path.Combine(_local, "devops-agent.yml"), "--history", Path.Combine(_local, "history.db")],
            new CliConsole(output, error) { Interactive = false }, Timeout);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> OnServerAsync(string script)
    {
        await using var ssh = await TestBed.Current.ConnectAsync("staging", Timeout);
        return (await ssh.RunAsync(ShellCommand.Raw($"cd {RemoteFolder} && {{ {script}; }}"), Timeout)).EnsureSuccess().StandardOutput;
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {process.StandardError.ReadToEnd()}");
    }
}
