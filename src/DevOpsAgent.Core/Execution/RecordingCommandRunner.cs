using System.Collections.Concurrent;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Execution;

/// <summary>
/// Records every command instead of running it. Answers come from rules matched against the command text
/// (first match wins); unmatched commands succeed with empty output. Backs <c>--dry-run</c> and the
/// workflow tests.
/// </summary>
public sealed class RecordingCommandRunner(string target = "dry-run") : ICommandRunner
{
    private readonly ConcurrentQueue<ShellCommand> _commands = new();
    private readonly List<(Func<string, bool> Matches, Func<ShellCommand, CommandResult> Answer)> _rules = [];

    public string Target { get; } = target;

    public IReadOnlyList<ShellCommand> Commands => [.. _commands];

    /// <summary>Answers commands whose text contains <paramref name="fragment"/>.</summary>
    public RecordingCommandRunner Answer(string fragment, int exitCode = 0, string standardOutput = "", string standardError = "")
    {
        _rules.Add((text => text.Contains(fragment, StringComparison.Ordinal),
            command => new CommandResult(command, exitCode, standardOutput, standardError, TimeSpan.Zero)));
        return this;
    }

    /// <summary>Answers commands the predicate accepts; the predicate may look at what ran before.</summary>
    public RecordingCommandRunner Answer(Func<string, bool> matches, int exitCode = 0, string standardOutput = "", string standardError = "")
    {
        _rules.Add((matches, command => new CommandResult(command, exitCode, standardOutput, standardError, TimeSpan.Zero)));
        return this;
    }

    /// <summary>Throws <paramref name="error"/> for commands whose text contains <paramref name="fragment"/>: a lost connection, a cancel.</summary>
    public RecordingCommandRunner Throw(string fragment, Func<Exception> error)
    {
        _rules.Add((text => text.Contains(fragment, StringComparison.Ordinal), _ => throw error()));
        return this;
    }

    /// <summary>Adds another runner's rules after this one's, so specific answers can override a common setup.</summary>
    public RecordingCommandRunner AppendRulesFrom(RecordingCommandRunner other)
    {
        _rules.AddRange(other._rules);
        return this;
    }

    public Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _commands.Enqueue(command);
        foreach (var (matches, answer) in _rules)
        {
            if (matches(command.Text))
            {
                var result = answer(command);
                if (onOutput is not null)
                {
                    foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        onOutput(line);
                    }
                }

                return Task.FromResult(result);
            }
        }

        return Task.FromResult(new CommandResult(command, 0, "", "", TimeSpan.Zero));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
