using System.Diagnostics;
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

    public static async Task<SshCommandRunner> ConnectAsync(SshTarget target, CancellationToken cancellationToken) =>
        new(target, await SshConnection.ConnectAsync(target, info => new SshClient(info), cancellationToken));

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var sshCommand = _client.CreateCommand(command.Text, Encoding.UTF8);
            var execution = sshCommand.ExecuteAsync(cancellationToken);
            var stdout = ReadLinesAsync(sshCommand.OutputStream, onOutput);
            var stderr = ReadLinesAsync(sshCommand.ExtendedOutputStream, onOutput);
            await execution;
            var output = await stdout;
            var errors = await stderr;
            // No exit status and no connection: the connection went away under the command (a signal keeps the connection).
            return sshCommand.ExitStatus is null && !_client.IsConnected
                ? throw Lost(command, "the connection closed", null)
                : new CommandResult(command, sshCommand.ExitStatus ?? -1, output, errors, stopwatch.Elapsed);
        }
        catch (Exception error) when (error is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // Whatever SSH.NET throws while it abandons a cancelled command, the caller sees a cancel, and undoes.
            throw new OperationCanceledException($"cancelled while running `{Shorten(command.Text)}`", error, cancellationToken);
        }
        catch (Exception error) when (IsConnectionLoss(error))
        {
            throw Lost(command, error.Message, error);
        }
    }

    /// <summary>What SSH.NET and the socket under it throw when the connection is cut, reset or times out.</summary>
    private static bool IsConnectionLoss(Exception error) =>
        error is SshConnectionException or SshOperationTimeoutException or System.Net.Sockets.SocketException or IOException or ObjectDisposedException
        || (error is SshException && error is not SshAuthenticationException)
        || (error is InvalidOperationException && error.Message.Contains("not connected", StringComparison.OrdinalIgnoreCase));

    private ConnectionFailedException Lost(ShellCommand command, string why, Exception? inner) =>
        new($"Lost the connection to {Target} while running `{Shorten(command.Text)}`: {why}", inner);

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "...";

    public ValueTask DisposeAsync()
    {
        SshConnection.Close(_client);
        return ValueTask.CompletedTask;
    }

    private static async Task<string> ReadLinesAsync(Stream stream, Action<string>? onOutput)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await OutputLines.CollectAsync(reader, onOutput);
    }
}
