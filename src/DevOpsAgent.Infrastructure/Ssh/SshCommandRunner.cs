using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Execution;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>
/// Runs commands on one server over a single SSH connection (SSH.NET), reused for every command of an
/// operation. The host key is verified against known_hosts before any credential is sent.
/// </summary>
public sealed class SshCommandRunner : ICommandRunner
{
    private readonly SshClient _client;

    private SshCommandRunner(SshTarget target, SshClient client)
    {
        _client = client;
        Target = target.ToString();
    }

    public string Target { get; }

    public static async Task<SshCommandRunner> ConnectAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var keyFile = target.IdentityFile ?? DefaultIdentityFile()
            ?? throw new ConnectionFailedException($"No SSH private key for {target}: set identity_file or create ~/.ssh/id_ed25519.");
        var knownHostsFile = target.KnownHostsFile ?? Path.Combine(HomeSsh(), "known_hosts");

        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(keyFile);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new ConnectionFailedException($"Cannot read SSH private key {keyFile}: {error.Message}", error);
        }

        var connectionInfo = new ConnectionInfo(target.Host, target.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, key))
        {
            Timeout = target.ConnectTimeout,
        };
        var verifier = new HostKeyVerifier(target, knownHostsFile);
        var client = new SshClient(connectionInfo);
        client.HostKeyReceived += verifier.OnHostKeyReceived;
        client.KeepAliveInterval = TimeSpan.FromSeconds(15);
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (Exception error) when (error is SshException or SocketException or TimeoutException or IOException)
        {
            client.Dispose();
            throw new ConnectionFailedException(verifier.Refusal ?? $"Cannot connect to {target}: {error.Message}", error);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new SshCommandRunner(target, client);
    }

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        var stopwatch = Stopwatch.StartNew();
        using var sshCommand = _client.CreateCommand(command.Text, Encoding.UTF8);
        var execution = sshCommand.ExecuteAsync(cancellationToken);
        var stdout = ReadLinesAsync(sshCommand.OutputStream, onOutput);
        var stderr = ReadLinesAsync(sshCommand.ExtendedOutputStream, onOutput);
        try
        {
            await execution;
        }
        catch (SshConnectionException error)
        {
            throw new ConnectionFailedException($"Lost the connection to {Target} while running `{command.Text}`: {error.Message}", error);
        }

        var output = await stdout;
        var errors = await stderr;
        return new CommandResult(command, sshCommand.ExitStatus ?? -1, output, errors, stopwatch.Elapsed);
    }

    public ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            _client.Disconnect();
        }

        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<string> ReadLinesAsync(Stream stream, Action<string>? onOutput)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await OutputLines.CollectAsync(reader, onOutput);
    }

    private static string HomeSsh() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");

    private static string? DefaultIdentityFile() =>
        new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(name => Path.Combine(HomeSsh(), name)).FirstOrDefault(File.Exists);
}
