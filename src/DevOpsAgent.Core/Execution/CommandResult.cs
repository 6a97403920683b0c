using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Secrets;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Execution;

public sealed record CommandResult(ShellCommand Command, int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns this result, or throws a <see cref="CommandFailedException"/> for a non-zero exit.</summary>
    public CommandResult EnsureSuccess(string? target = null) =>
        Succeeded ? this : throw new CommandFailedException(this, target);
}

/// <summary>A command that exited non-zero: carries the command, its exit code and the tail of its stderr.</summary>
public sealed class CommandFailedException(CommandResult result, string? target = null)
    : DevOpsAgentException(Describe(result, target), ExitCodes.CommandFailed)
{
    public CommandResult Result { get; } = result;

    private static string Describe(CommandResult result, string? target)
    {
        var where = target is null ? "" : $" on {target}";
        var tail = Tail(string.IsNullOrWhiteSpace(result.StandardError) ? result.StandardOutput : result.StandardError);
        return $"`{result.Command.Text}` failed{where} with exit code {result.ExitCode}" + (tail.Length > 0 ? $": {Redaction.Redact(tail)}" : "");
    }

    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }
}
