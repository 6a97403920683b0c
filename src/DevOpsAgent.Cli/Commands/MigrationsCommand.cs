using System.CommandLine;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Migrations;

namespace DevOpsAgent.Cli.Commands;

public static class MigrationsCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var command = new Command("migrations", "The database's alembic revision on an environment, the deployed code's head, what is pending, and which revisions can be undone.")
        {
            environment,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var config = services.Config;
            var target = config.Environment(parseResult.GetValue(environment)!);
            var migrations = config.Migrations
                ?? throw new DevOpsAgentException("devops-agent.yml has no migrations section: this project runs no alembic migrations", ExitCodes.InvalidConfiguration);
            await using var runner = await services.ConnectAsync(target, cancellationToken);
            var compose = await ComposeDetection.ForEnvironmentAsync(runner, target, cancellationToken);
            var coordinator = new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), TimeProvider.System);
            var inspection = await coordinator.InspectAsync(cancellationToken);
            var plan = inspection.Plan;
            var safety = await coordinator.SafetyAsync(plan, cancellationToken);
            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new
                {
                    environment = target.Name, plan.Current, plan.Heads, plan.Pending, inspection.Revisions, plan.Summary,
                    Safety = safety.Select(s => new { s.Revision, s.Verdict, s.AllowsLiveSwitch, s.Findings }),
                    LiveSwitchAllowed = safety.All(s => s.AllowsLiveSwitch),
                });
                return 0;
            }

            console.Out.WriteLine($"{target.Name}: database at {plan.Current ?? "base (empty)"}, code head {string.Join(", ", plan.Heads)}");
            foreach (var revision in inspection.Revisions)
            {
                var state = plan.Pending.Any(p => p.Id == revision.Id) ? "pending" : "applied";
                console.Out.WriteLine($"  {revision.Id,-14} {state,-8} downgrade: {(revision.HasRealDowngrade ? "yes" : "NO (does nothing)"),-18} {revision.Message}");
                if (safety.FirstOrDefault(s => s.Revision == revision.Id) is { } verdict)
                {
                    WriteSafety(console, verdict);
                }
            }

            console.Out.WriteLine(plan.Heads.Count > 1 ? $"Several heads ({string.Join(", ", plan.Heads)}): a deploy would be refused until they are merged." : plan.Summary);
            if (safety.Count > 0)
            {
                var refused = safety.Where(s => !s.AllowsLiveSwitch).ToList();
                console.Out.WriteLine(refused.Count == 0
                    ? "Zero-downtime switch: allowed (every pending revision is additive)."
                    : $"Zero-downtime switch: refused ({string.Join(", ", refused.Select(s => $"{s.Revision} {s.Verdict.ToString().ToLowerInvariant()}"))}); these need a maintenance window.");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The verdict under its revision; only the statements that stop a live switch, each with its way out.</summary>
    private static void WriteSafety(CliConsole console, RevisionSafety safety)
    {
        console.Out.WriteLine($"  {"",-14} safety: {safety.Verdict.ToString().ToLowerInvariant()}"
            + (safety.AllowsLiveSwitch ? " (runs while the old release serves)" : " (refused for a zero-downtime switch; needs a maintenance window)"));
        foreach (var finding in safety.Problems)
        {
            console.Out.WriteLine($"  {"",-14}   {finding.Category.ToString().ToLowerInvariant()}: {finding.Reason}" + (finding.Statement.Length > 0 ? $": {finding.Statement}" : ""));
            if (finding.SafeAlternative is { } alternative)
            {
                console.Out.WriteLine($"  {"",-14}     instead: {alternative}");
            }
        }
    }
}
