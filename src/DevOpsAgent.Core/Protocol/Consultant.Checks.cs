using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Requirements;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Core.Protocol;

public sealed partial class Consultant
{
    /// <summary>The seed's "required environment variables": names, where each is used, which a server's .env lacks. Never values.</summary>
    private async Task<Answer> RequiredVariablesAsync(string? only, CancellationToken cancellationToken)
    {
        if (context.LoadProjectAsync is not { } load)
        {
            throw new InvalidInputException("No project directory to read the required variables from.");
        }

        var report = RequiredVariables.Discover(await load(cancellationToken));
        var required = report.Variables.Where(v => v.Need == Need.Required).Select(v => v.Name).ToList();
        var lines = new List<string> { string.Join(", ", report.Variables.Where(v => v.Need != Need.Optional).Select(v => v.Name)) };
        lines.AddRange(report.Variables.Select(v => $"  {v.Name} ({v.Need.ToString().ToLowerInvariant()}): {string.Join(", ", v.Uses.Select(u => $"{u.File}:{u.Line}").Distinct().Take(4))}"));
        var servers = new List<object>();
        foreach (var environment in context.Config.Environments.Values.Where(e => only is null || e.Name == only))
        {
            try
            {
                await using var runner = await context.ConnectAsync(environment, cancellationToken);
                var keys = ServerEnvKeys.Parse((await runner.RunAsync(ServerEnvKeys.Read(environment.Path), cancellationToken)).StandardOutput);
                var missing = keys is null ? required : [.. required.Where(name => !keys.Contains(name))];
                lines.Add(keys is null ? $"{environment.Name}: no .env on the server ({environment.Path}/.env)"
                    : missing.Count == 0 ? $"{environment.Name}: all required variables are set"
                    : $"{environment.Name}: missing {string.Join(", ", missing)}");
                servers.Add(new { environment = environment.Name, has_env_file = keys is not null, missing });
            }
            catch (DevOpsAgentException error)
            {
                lines.Add($"{environment.Name}: not checked ({error.Message})");
                servers.Add(new { environment = environment.Name, error = error.Message });
            }
        }

        return new Answer("required_variables", string.Join("\n", lines), new
        {
            variables = report.Variables.Select(v => new
            {
                name = v.Name,
                need = v.Need,
                documented = v.Documented,
                uses = v.Uses.Select(u => new { file = u.File, line = u.Line, source = u.Source }),
            }),
            servers,
        });
    }

    /// <summary>
    /// The production pre-flight for a task's release, as the deploy would evaluate it (QA from the project state,
    /// staging from history, rollback from the production server's record). Migrations are judged from the staging run.
    /// </summary>
    private async Task<Answer> PreflightAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = context.LoadState()?.Find(taskId)
            ?? throw new RefusedException($"{taskId} is not in the project state{(context.StateSource is null ? " (none is configured)" : $" ({context.StateSource})")}.");
        var production = context.Config.Environments.Values.FirstOrDefault(e => ProtocolContext.IsProduction(e.Name))
            ?? context.Config.Environments.Values.FirstOrDefault(e => e.PreflightTestedOn is not null)
            ?? throw new RefusedException("No production environment is configured, so there is no pre-flight.");
        var release = task.Ref?.Name ?? production.DefaultRef.Name;
        var testedOn = production.PreflightTestedOn ?? context.Config.Environments.Keys.FirstOrDefault(n => !ProtocolContext.IsProduction(n)) ?? production.Name;
        var testedHistory = await context.History.ListAsync(testedOn, 200, cancellationToken);
        var stagingRun = testedHistory.FirstOrDefault(r => r.Outcome == DeployOutcome.Succeeded && (r.Version == release || r.Ref == release || r.TaskId == task.Id));
        ServerRelease? serving = null;
        try
        {
            await using var runner = await context.ConnectAsync(production, cancellationToken);
            serving = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(production.Path), cancellationToken)).StandardOutput);
        }
        catch (DevOpsAgentException)
        {
            // An unreachable server leaves the rollback item failing, which is what the deploy would find too.
        }

        var items = PreflightChecklist.Evaluate(stagingRun?.Commit ?? release, QaApproval.FromTask(task, context.StateSource).ApprovedBy, testedOn, testedHistory, null, serving).ToList();
        items[2] = stagingRun is null
            ? new PreflightItem("migrations tested", false, $"{release} has not run on {testedOn} yet")
            : new PreflightItem("migrations tested", true, $"ran on {testedOn} with {stagingRun.Version}: {stagingRun.Migrations ?? "no migrations configured"}");
        var ready = items.All(i => i.Passed);
        var text = $"Pre-flight for {task.Id} ({release} to {production.Name}): {(ready ? "READY" : "NOT READY")}\n"
            + string.Join("\n", items.Select(i => $"  [{(i.Passed ? "x" : " ")}] {i.Name}: {i.Reason}"));
        return new Answer("preflight", text, new { task = task.Id, release, environment = production.Name, ready, items });
    }

    /// <summary>Where the database is and what the code on the server would apply; never starts a stopped database.</summary>
    private async Task<Answer> MigrationStatusAsync(string name, CancellationToken cancellationToken)
    {
        if (context.Config.Migrations is not { } migrations)
        {
            return new Answer("migration_status", "No migrations are configured (migrations: in devops-agent.yml).", new { environment = name, configured = false });
        }

        var environment = context.Config.Environment(name);
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var status = await EnvironmentStatus.ReadAsync(runner, environment, cancellationToken);
        if (status.Services.FirstOrDefault(s => s.Service == migrations.DatabaseService) is not { Ready: true })
        {
            return new Answer("migration_status", $"{name}: the database service {migrations.DatabaseService} is not running; migration status unknown.",
                new { environment = name, configured = true, database_running = false });
        }

        var compose = await ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken);
        var plan = await new MigrationCoordinator(runner, new AlembicCommands(compose, migrations), context.Time).PlanAsync(cancellationToken);
        return new Answer("migration_status", $"{name}: {plan.Summary}", new
        {
            environment = name,
            configured = true,
            database_running = true,
            current = plan.Current,
            heads = plan.Heads,
            pending = plan.Pending.Select(p => new { id = p.Id, message = p.Message, has_real_downgrade = p.HasRealDowngrade }),
        });
    }

    /// <summary>The Database Agent's "migrations needed for TASK-045?": from the task's deploy, else from its environment now.</summary>
    private async Task<Answer> MigrationsNeededAsync(string taskId, CancellationToken cancellationToken)
    {
        var deployed = (await context.History.ListAsync(null, 200, cancellationToken)).FirstOrDefault(r => r.TaskId == taskId && r.Migrations is not null);
        if (deployed is not null)
        {
            return new Answer("migrations_needed", $"{taskId}: {deployed.Migrations} (planned when it was deployed to {deployed.Environment}, {Answer.Ago(context.Time.GetUtcNow() - deployed.StartedAt)})",
                new { task = taskId, environment = deployed.Environment, migrations = deployed.Migrations, revision_before = deployed.RevisionBefore, revision_after = deployed.RevisionAfter });
        }

        var environment = context.LoadState()?.Find(taskId)?.Environment ?? context.Config.Environments.Keys.First();
        var now = await MigrationStatusAsync(environment, cancellationToken);
        return now with
        {
            Question = "migrations_needed",
            Text = $"{taskId} has not been deployed yet. {now.Text} The release's own migrations are planned after its build, at deploy time, and reported then.",
        };
    }
}
