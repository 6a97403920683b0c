using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Health;
using DevOpsAgent.Core.Status;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Protocol;

/// <summary>
/// Answers CONSULT questions from history and live, read-only checks on the servers. Nothing here changes
/// anything, and no secret value is read: .env is read for its names only, log lines are redacted.
/// </summary>
public sealed partial class Consultant(ProtocolContext context)
{
    private const int LogLines = 100;

    public async Task<Answer> AnswerAsync(AgentMessage message, CancellationToken cancellationToken) =>
        await AnswerAsync(QuestionParser.Parse(message, context.EnvironmentNames), cancellationToken);

    public Task<Answer> AnswerAsync(Question question, CancellationToken cancellationToken) => question switch
    {
        StatusQuestion q => StatusAsync(q.Environment, cancellationToken),
        RequiredVariablesQuestion q => RequiredVariablesAsync(q.Environment, cancellationToken),
        LastDeployQuestion q => LastDeployAsync(q.Environment, cancellationToken),
        DeployedWhereQuestion => DeployedWhereAsync(cancellationToken),
        PreflightQuestion q => PreflightAsync(q.TaskId, cancellationToken),
        LogsQuestion q => LogsAsync(q.Environment, q.Service, cancellationToken),
        MigrationStatusQuestion q => MigrationStatusAsync(q.Environment, cancellationToken),
        MigrationsNeededQuestion q => MigrationsNeededAsync(q.TaskId, cancellationToken),
        _ => throw new RefusedException($"Not a question DevOps Agent answers. Ask: {string.Join("; ", QuestionParser.Supported)}."),
    };

    private async Task<Answer> StatusAsync(string name, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(name);
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var status = await EnvironmentStatus.ReadAsync(runner, environment, cancellationToken);
        var release = status.Release is { } r ? $" Serving {r.Version}" + (status.LiveSlot is { } slot ? $" from the {slot} slot." : ".") : "";
        var operation = status.Operation is { } o ? $" Operation {o}." : "";
        return new Answer("status", $"{name}: {status.Summary.TrimEnd('.')}.{release}{operation}", new
        {
            environment = name,
            all_healthy = status.AllHealthy,
            live_slot = status.LiveSlot,
            services = status.Services.Select(s => new { service = s.Service, state = s.State, ready = s.Ready }),
            release = status.Release?.Version,
            operation = status.Operation,
        });
    }

    private async Task<Answer> LastDeployAsync(string name, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(name);
        var records = await context.History.ListAsync(name, 50, cancellationToken);
        var last = records.FirstOrDefault(r => r.Outcome is DeployOutcome.Succeeded or DeployOutcome.Failed or DeployOutcome.RolledBack);
        var now = context.Time.GetUtcNow();
        if (last is not null)
        {
            var verdict = last.Outcome switch
            {
                DeployOutcome.Succeeded when last.HealthSummary.Contains(": warning", StringComparison.Ordinal) => "healthy, with warnings",
                DeployOutcome.Succeeded => "all healthy",
                DeployOutcome.RolledBack => $"rolled back ({last.Error})",
                _ => $"FAILED ({last.Error})",
            };
            var task = last.TaskId is null ? "" : $", {last.TaskId}";
            return new Answer("last_deploy", $"{last.Version ?? last.Ref}, {Answer.Ago(now - last.StartedAt)}, {verdict}{task}", new
            {
                environment = name,
                version = last.Version,
                @ref = last.Ref,
                commit = last.Commit,
                outcome = last.Outcome,
                started_at = last.StartedAt,
                started_by = last.StartedBy,
                task = last.TaskId,
                error = last.Error,
                source = "history",
            });
        }

        // This machine never deployed there: the server's own record still says what it serves.
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var release = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), cancellationToken)).StandardOutput);
        return release is null
            ? new Answer("last_deploy", $"{name} was never deployed by DevOps Agent.", new { environment = name, version = (string?)null, source = "server" })
            : new Answer("last_deploy", $"{release.Version}, {Answer.Ago(now - release.DeployedAt)} (the server's record; no local history)", new
            {
                environment = name,
                version = release.Version,
                @ref = release.Ref,
                commit = release.Commit,
                started_at = release.DeployedAt,
                started_by = release.DeployedBy,
                task = release.TaskId,
                source = "server",
            });
    }

    private async Task<Answer> DeployedWhereAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var data = new List<object>();
        var now = context.Time.GetUtcNow();
        foreach (var environment in context.Config.Environments.Values)
        {
            try
            {
                await using var runner = await context.ConnectAsync(environment, cancellationToken);
                var release = ServerRelease.Parse((await runner.RunAsync(ServerRelease.Read(environment.Path), cancellationToken)).StandardOutput);
                lines.Add(release is null
                    ? $"{environment.Name}: nothing deployed by DevOps Agent"
                    : $"{environment.Name}: {release.Version} ({DeployWorker.ShortCommit(release.Commit)}), {Answer.Ago(now - release.DeployedAt)}{(release.TaskId is null ? "" : $", {release.TaskId}")}");
                data.Add(new { environment = environment.Name, version = release?.Version, commit = release?.Commit, deployed_at = release?.DeployedAt, task = release?.TaskId });
            }
            catch (DevOpsAgentException error)
            {
                lines.Add($"{environment.Name}: unknown ({error.Message})");
                data.Add(new { environment = environment.Name, error = error.Message });
            }
        }

        return new Answer("deployed_where", string.Join("\n", lines), data);
    }

    private async Task<Answer> LogsAsync(string name, string? service, CancellationToken cancellationToken)
    {
        var environment = context.Config.Environment(name);
        await using var runner = await context.ConnectAsync(environment, cancellationToken);
        var compose = await ComposeDetection.ForEnvironmentAsync(runner, environment, cancellationToken);
        var logs = (await runner.RunAsync(compose.Logs(LogLines, service), cancellationToken)).EnsureSuccess(runner.Target).StandardOutput;
        var errors = LogScanner.FindErrors(logs, environment.ComposeProject);
        var scope = service ?? "each service";
        if (errors.Count == 0)
        {
            return new Answer("logs", $"{name}: no errors in the last {LogLines} lines of {scope}.", new { environment = name, service, errors = Array.Empty<object>() });
        }

        var perService = string.Join(", ", errors.GroupBy(e => e.Service).Select(g => $"{g.Key} {g.Count()}"));
        var latest = errors.TakeLast(3).Select(e => $"  {e.Service}: {Redaction.Redact(e.Line)}");
        return new Answer("logs", $"{name}: {errors.Count} error line(s) in the last {LogLines} lines of {scope} ({perService}). Latest:\n{string.Join("\n", latest)}", new
        {
            environment = name,
            service,
            errors = errors.Select(e => new { service = e.Service, line = Redaction.Redact(e.Line), at = e.At }),
        });
    }
}
