using System.Security.Cryptography;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Ssh;
using DevOpsAgent.Infrastructure.Ssh.Agent;

namespace DevOpsAgent.IntegrationTests;

/// <summary>Key authentication through a real ssh-agent, against the test bed's staging sshd.</summary>
public sealed class SshAgentTests : IDisposable
{
    // Where scripts/testbed.sh installs the deploy user's keys (both test-bed servers share it).
    private const string AuthorizedKeys = "/home/deploy/.ssh/authorized_keys";

    private readonly RunningSshAgent _agent = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    private SshTarget Target => TestBed.Current.Target("staging") with { IdentityFile = null, AgentSocket = _agent.Socket };

    [Fact]
    public async Task I_can_connect_with_the_key_my_ssh_agent_holds_without_any_identity_file()
    {
        _agent.Add(_agent.GenerateKey("ed25519", 256, "a key the server does not know, tried first"));
        _agent.Add(TestBed.Current.KeyFile);

        await using var ssh = await SshCommandRunner.ConnectAsync(Target, Timeout);

        Assert.Equal("deploy\n", (await ssh.RunAsync(ShellCommand.Of("id", "-un"), Timeout)).StandardOutput);
    }

    [Theory]
    [InlineData("rsa", 3072)]
    [InlineData("ecdsa", 256)]
    [InlineData("ecdsa", 521)]
    public async Task The_server_accepts_rsa_and_ecdsa_keys_signed_by_the_agent(string type, int bits)
    {
        var marker = $"devops-agent-test-{Guid.NewGuid():N}";
        var key = _agent.GenerateKey(type, bits, marker);
        _agent.Add(key);
        await File.AppendAllTextAsync(AuthorizedKeys, await File.ReadAllTextAsync(key + ".pub"));
        try
        {
            await using var ssh = await SshCommandRunner.ConnectAsync(Target, Timeout);

            Assert.Equal("deploy\n", (await ssh.RunAsync(ShellCommand.Of("id", "-un"), Timeout)).StandardOutput);
        }
        finally
        {
            // Rewritten in place, so the file keeps its owner and mode.
            await File.WriteAllLinesAsync(AuthorizedKeys, (await File.ReadAllLinesAsync(AuthorizedKeys)).Where(line => !line.Contains(marker, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Every_key_type_the_agent_holds_signs_what_its_public_key_verifies()
    {
        foreach (var (type, bits) in new[] { ("ed25519", 256), ("rsa", 2048), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521) })
        {
            _agent.Add(_agent.GenerateKey(type, bits, $"{type}-{bits}"));
        }

        var agent = new SshAgentClient(_agent.Socket);
        var keys = (await agent.RequestIdentitiesAsync(Timeout)).Select(identity => AgentKeySource.TryCreate(agent, identity)!).ToList();

        Assert.Equal(["ed25519-256", "rsa-2048", "ecdsa-256", "ecdsa-384", "ecdsa-521"], keys.Select(key => key.Identity.Comment));
        var data = RandomNumberGenerator.GetBytes(100);
        var signed = keys.SelectMany(key => key.HostKeyAlgorithms).ToDictionary(algorithm => algorithm.Name, algorithm => algorithm.VerifySignature(data, algorithm.Sign(data)));
        Assert.Equal(
            new Dictionary<string, bool>
            {
                ["ssh-ed25519"] = true, ["rsa-sha2-512"] = true, ["rsa-sha2-256"] = true,
                ["ecdsa-sha2-nistp256"] = true, ["ecdsa-sha2-nistp384"] = true, ["ecdsa-sha2-nistp521"] = true,
            },
            signed);
    }

    [Fact]
    public async Task An_agent_holding_no_keys_is_a_clear_connection_error()
    {
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => SshCommandRunner.ConnectAsync(Target, Timeout));

        Assert.Equal(ExitCodes.ConnectionFailed, error.ExitCode);
        Assert.StartsWith("No SSH key for deploy@127.0.0.1:2222: ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the ssh-agent at {_agent.Socket} holds no keys", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task An_unreachable_agent_socket_is_a_clear_connection_error()
    {
        var missing = Path.Combine(_agent.Directory, "gone.sock");

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => SshCommandRunner.ConnectAsync(Target with { AgentSocket = missing }, Timeout));

        Assert.Equal(ExitCodes.ConnectionFailed, error.ExitCode);
        Assert.Contains(
            $"cannot reach the ssh-agent at {missing}: no such socket (an SSH_AUTH_SOCK left over from an old session?)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task An_agent_that_refuses_to_sign_is_a_clear_connection_error()
    {
        _agent.AddNeedingConfirmation(TestBed.Current.KeyFile);

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => SshCommandRunner.ConnectAsync(Target, Timeout));

        Assert.Equal(ExitCodes.ConnectionFailed, error.ExitCode);
        Assert.StartsWith($"Cannot authenticate to deploy@127.0.0.1:2222: The ssh-agent at {_agent.Socket} refused to sign with ssh-ed25519 SHA256:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_keys_the_server_does_not_know_are_refused_and_named_by_fingerprint()
    {
        var key = _agent.GenerateKey("ed25519", 256, "not-authorized");
        _agent.Add(key);
        var fingerprint = (await new SshAgentClient(_agent.Socket).RequestIdentitiesAsync(Timeout)).Single().Fingerprint;

        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => SshCommandRunner.ConnectAsync(Target, Timeout));

        Assert.Equal(ExitCodes.ConnectionFailed, error.ExitCode);
        Assert.StartsWith("Cannot connect to deploy@127.0.0.1:2222: Permission denied (publickey)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"offered ssh-agent key ssh-ed25519 {fingerprint}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(key + ".pub").Split(' ')[1], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_identity_file_is_used_alone_even_when_an_agent_runs()
    {
        await using var ssh = await SshCommandRunner.ConnectAsync(TestBed.Current.Target("staging") with { AgentSocket = _agent.Socket }, Timeout);

        Assert.Equal(0, (await ssh.RunAsync(ShellCommand.Of("true"), Timeout)).ExitCode);
    }

    public void Dispose() => _agent.Dispose();
}
