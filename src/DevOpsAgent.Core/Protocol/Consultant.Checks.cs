using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Requirements;

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

    /// <summary>The seed's production checklist for a task's release: QA approved, staging tested, migrations tested, rollback plan.</summary>
    private async Task<Answer> PreflightAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = context.LoadState()?.Find(taskId)
            ?? throw new RefusedException($"{taskId} is not in the project state{(context.StateSource is null ? " (none is configured)" : $" ({context.StateSource})")}.");
        var production = context.Config.Environments.Keys.FirstOrDefault(ProtocolContext.IsProduction) ?? task.Environment ?? "production";
        var release = task.Ref?.Name ?? (context.Config.Environments.TryGetValue(production, out var p) ? p.DefaultRef.Name : "?");
        var qa = QaApproval.FromTask(task, context.StateSource);
        var staging = (await context.History.ListAsync(null, 200, cancellationToken))
            .FirstOrDefault(r => !ProtocolContext.IsProduction(r.Environment) && r.Outcome == DeployOutcome.Succeeded
                && (r.Version == release || r.Ref == release || r.TaskId == task.Id));
        var lastProduction = (await context.History.ListAsync(production, 50, cancellationToken)).FirstOrDefault(r => r.Outcome == DeployOutcome.Succeeded);

        var items = new[]
        {
            new { item = "QA approved", ok = qa.Approved, detail = qa.Approved ? $"approved{(qa.ApprovedBy is null ? "" : $" by {qa.ApprovedBy}")}" : qa.Source },
            new { item = "Staging tested", ok = staging is not null, detail = staging is null ? $"no successful deploy of {release} to a staging environment in history" : $"{staging.Version} healthy on {staging.Environment}, {Answer.Ago(context.Time.GetUtcNow() - staging.StartedAt)}" },
            new { item = "Migrations tested", ok = staging is not null, detail = staging is null ? "not yet: they run with the staging deploy" : $"ran with the staging deploy of {staging.Version}" },
            new { item = "Rollback plan", ok = true, detail = lastProduction is null ? "first production deploy recorded here: rollback = `docker-compose down`" : $"git checkout {lastProduction.Version} + alembic downgrade" },
        };
        var ready = items.All(i => i.ok);
        var text = $"Pre-flight for {task.Id} ({release} to {production}): {(ready ? "READY" : "NOT READY")}\n"
            + string.Join("\n", items.Select(i => $"  [{(i.ok ? "x" : " ")}] {i.item}: {i.detail}"));
        return new Answer("preflight", text, new { task = task.Id, release, environment = production, ready, items });
    }
}
