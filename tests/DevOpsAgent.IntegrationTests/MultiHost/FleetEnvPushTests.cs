using System.Security.Cryptography;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>
/// `env push` to a fleet over real SFTP on every host of the multi-host bed: every host gets the file, and a host that
/// cannot be reached stops the push before any host's file changes. An app folder of its own on each host.
/// </summary>
[Collection(HostsBed.Collection)]
public sealed class FleetEnvPushTests : IDisposable
{
    private readonly string _canary = "canary-" + Guid.NewGuid().ToString("N");
    private readonly string _folder = "/var/www/envpush-fleet-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _local = Directory.CreateTempSubdirectory("devops-agent-fleet-envpush-").FullName;

    private static HostsBed Bed => HostsBed.Current!;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [MultiHostFact]
    public async Task A_push_reaches_every_host_and_an_unreachable_host_stops_it_before_any_file_changes()
    {
        foreach (var host in Bed.Numbers)
        {
            await Bed.RunAsync(host, $"install -d -o deploy -g deploy -m 755 {_folder}", Timeout, user: "root");
        }

        var first = WriteDotenv($"A=1\nSECRET_KEY={_canary}\n");
        WriteConfig(Bed.Numbers.Select(Bed.Address));
        var (code, output, error) = await RunAsync("env", "push", "fleet");

        Assert.True(code == ExitCodes.Success, output + error);
        Assert.Equal(Bed.Count, output.Split('\n').Count(l => l.StartsWith("uploaded (mode 0600", StringComparison.Ordinal)));
        foreach (var host in Bed.Numbers)
        {
            Assert.Contains($"→ {Bed.AgentName(host)}:{_folder}/.env", output, StringComparison.Ordinal);
            Assert.Equal($"600 deploy {Sha256(first)}\n", await Bed.RunAsync(host, $"echo \"$(stat -c '%a %U' {_folder}/.env) $(sha256sum < {_folder}/.env | cut -d' ' -f1)\"", Timeout));
        }

        // A fourth host whose SSH port refuses: nothing is uploaded anywhere, and the error says which host.
        WriteDotenv($"A=2\nSECRET_KEY={_canary}-2\n");
        WriteConfig([.. Bed.Numbers.Select(Bed.Address), $"{Bed.Address(Bed.Count)}:2"]);
        var (refusedCode, refusedOutput, refusedError) = await RunAsync("env", "push", "fleet");

        Assert.NotEqual(ExitCodes.Success, refusedCode);
        Assert.Contains(":2", refusedError, StringComparison.Ordinal);
        Assert.Single(refusedError.Trim().Split('\n'));
        foreach (var host in Bed.Numbers)
        {
            Assert.Equal($"{Sha256(first)}\n", await Bed.RunAsync(host, $"sha256sum < {_folder}/.env | cut -d' ' -f1", Timeout));
        }

        Assert.DoesNotContain(_canary, output + error + refusedOutput + refusedError, StringComparison.Ordinal);
    }

    private byte[] WriteDotenv(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        File.WriteAllBytes(Path.Combine(_local, ".env"), bytes);
        return bytes;
    }

    private void WriteConfig(IEnumerable<string> hosts) => File.WriteAllText(Path.Combine(_local, "devops-agent.yml"), $"""
        project: shop
        repository: {Bed.Origin}
        environments:
          fleet:
            user: deploy
            path: {_folder}
            identity_file: {Bed.KeyFile}
            known_hosts: {Bed.KnownHostsFile}
            branch: main
            hosts:
        {string.Join("", hosts.Select(h => $"      - {h}\n"))}
        """);

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(
            [.. arguments, "--dir", _local, "--config", Path.Combine(_local, "devops-agent.yml"), "--history", Path.Combine(_local, "history.db")],
            new CliConsole(output, error) { Interactive = false }, Timeout);
        return (code, output.ToString(), error.ToString());
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public void Dispose()
    {
        foreach (var host in Bed?.Numbers ?? [])
        {
            try
            {
                Bed!.RunAsync(host, $"rm -rf {_folder}", Timeout, user: "root").GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // A host the bed lost: its folder goes with the bed.
            }
        }

        Directory.Delete(_local, recursive: true);
    }
}
