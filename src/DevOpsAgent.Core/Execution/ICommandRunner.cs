using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Execution;

/// <summary>
/// The one execution seam: SSH (a remote server), local (this machine) and recording (dry runs and
/// workflow tests) backends implement it.
/// </summary>
public interface ICommandRunner : IAsyncDisposable
{
    /// <summary>Where commands run, for messages: <c>deploy@staging.example.com:22</c>, <c>local</c>.</summary>
    string Target { get; }

    /// <summary>
    /// Runs a command to completion and returns its result whatever the exit code. Output lines are passed
    /// to <paramref name="onOutput"/> as they arrive, when given.
    /// </summary>
    Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null);
}
