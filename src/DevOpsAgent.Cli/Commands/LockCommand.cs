using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Locks;

namespace DevOpsAgent.Cli.Commands;

/// <summary><c>lock status &lt;env&gt;</c> and <c>lock release &lt;env&gt; [--force]</c>: the deploy lock on an environment's server.</summary>
public static class LockCommand
{
    public static readonly Option<TimeSpan> StaleAfter = CommonOptions.InRange(new Option<TimeSpan>("--stale-after")
    {
        Description = "A lock without a heartbeat for this long belongs to a dead deploy (e.g. 00:01:00).",
        DefaultValueFactory = _ => DeployLock.DefaultStaleAfter,
    }, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

    public static Command Create(CliConsole console)
    {
        var command = new Command("lock", "The deploy lock of an environment: who holds it, and releasing it.");
        command.Subcommands.Add(Status(console));
        command.Subcommands.Add(Release(console));
        return command;
    }

    private static Command Status(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var command = new Command("status", "Free, held by a live deploy, or abandoned by a dead one (exit 13, Locked, when held).") { environment, StaleAfter };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var status = await DeployLock.StatusAsync(runner, target.Path, parseResult.GetValue(StaleAfter), cancellationToken);
            Write(console, parseResult.GetValue(CommonOptions.Json), target.Name, status, released: false);
            return status.State == LockState.Held ? ExitCodes.Locked : ExitCodes.Success;
        });
        return command;
    }

    private static Command Release(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var force = new Option<bool>("--force") { Description = "Release the lock even though its deploy is alive (its heartbeat is fresh)." };
        var command = new Command("release", "Remove the deploy lock: an abandoned one, or a live one with --force.") { environment, force, StaleAfter };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var was = await DeployLock.ReleaseAsync(runner, target.Path, target.Name, parseResult.GetValue(force), parseResult.GetValue(StaleAfter), cancellationToken);
            Write(console, parseResult.GetValue(CommonOptions.Json), target.Name, was, released: was.State != LockState.Free);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliConsole console, bool json, string environment, LockStatus status, bool released)
    {
        if (json)
        {
            JsonOutput.Write(console, new
            {
                Environment = environment,
                status.State,
                status.Info,
                DeployId = status.State == LockState.Free ? null : status.OwnerId,
                HeartbeatAgeSeconds = status.HeartbeatAge is { } age ? (long?)age.TotalSeconds : null,
                Released = released,
            });
            return;
        }

        console.Out.WriteLine(released
            ? $"Released the lock of {environment}, which was {status.Describe()}."
            : $"Lock of {environment}: {status.Describe()}.");
        if (status.State == LockState.Abandoned)
        {
            console.Out.WriteLine($"The {status.DescribeInterruption()}.");
        }
    }
}
