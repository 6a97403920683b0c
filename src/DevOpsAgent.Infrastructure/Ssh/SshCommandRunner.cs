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
        SshConnection.Close(_client);
        return ValueTask.CompletedTask;
    }

    private static async Task<string> ReadLinesAsync(Stream stream, Action<string>? onOutput)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await OutputLines.CollectAsync(reader, onOutput);
    }
}
