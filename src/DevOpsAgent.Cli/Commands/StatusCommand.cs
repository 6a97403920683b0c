using System.CommandLine;
using System.Globalization;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Status;

namespace DevOpsAgent.Cli.Commands;

public static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var command = new Command("status", "Live state of an environment: services, their health, the release serving, the last deploy.") { environment };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            if (target.IsFleet)
            {
                return await FleetStatusAsync(console, services, target, parseResult.GetValue(CommonOptions.Json), cancellationToken);
            }

            EnvironmentStatus status;
            await using (var runner = await services.ConnectAsync(target, cancellationToken))
            {
                status = await EnvironmentStatus.ReadAsync(runner, target, cancellationToken);
            }

            var last = (await services.History().ListAsync(target.Name, 1, cancellationToken)).FirstOrDefault();
            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, new { status.Environment, status.Target, status.Release, status.Services, status.AllHealthy, status.Summary, status.Operation, status.LiveSlot, LastDeploy = last });
            }
            else
            {
                var o = console.Out;
                o.WriteLine($"{status.Environment} ({status.Target}, {target.Path})");
                o.WriteLine(status.Release is { } r
                    ? $"Release:  {r.Version} ({DeployWorker.ShortCommit(r.Commit)}), deployed {r.DeployedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {r.DeployedBy}{(r.TaskId is null ? "" : $" for {r.TaskId}")}{(status.LiveSlot is { } slot ? $", live slot {slot}" : "")}"
                    : "Release:  none recorded on the server (never deployed by devops-agent)");
                if (status.Operation is { } operation)
                {
                    o.WriteLine($"Operation: {operation}");
                }

                foreach (var service in status.Services)
                {
                    o.WriteLine($"  {(service.Ready ? "ok  " : "FAIL")} {service.Service,-20} {service.State}");
                }

                if (last is not null)
                {
                    o.WriteLine($"Last deploy from this machine: {last.Version ?? last.Ref} {last.Outcome.ToString().ToLowerInvariant()} at "
                        + $"{last.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC{(last.Error is null ? "" : $": {last.Error}")}");
                }

                o.WriteLine(status.Summary);
            }

            return status.AllHealthy ? ExitCodes.Success : ExitCodes.HealthCheckFailed;
        });
        return command;
    }

    /// <summary>Several hosts: each host's release, operation and services, read in parallel; the exit code is the worst.</summary>
    private static async Task<int> FleetStatusAsync(
        CliConsole console, AgentServices services, Core.Configuration.EnvironmentConfig target, bool json, CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(target.AllHosts.Select(async host =>
        {
            var onHost = target.OnHost(host);
            await using var runner = await services.ConnectAsync(onHost, cancellationToken);
            return await EnvironmentStatus.ReadAsync(runner, onHost, cancellationToken);
        }));
        var last = (await services.History().ListAsync(target.Name, 1, cancellationToken)).FirstOrDefault();
        var healthy = statuses.All(s => s.AllHealthy);
        if (json)
        {
            JsonOutput.Write(console, new
            {
                Environment = target.Name,
                Hosts = statuses.Select(s => new { s.Target, s.Release, s.Services, s.AllHealthy, s.Summary, s.Operation }),
                AllHealthy = healthy,
                LastDeploy = last,
            });
            return healthy ? ExitCodes.Success : ExitCodes.HealthCheckFailed;
        }

        var o = console.Out;
        o.WriteLine($"{target.Name} ({statuses.Length} hosts, {target.Path})");
        foreach (var status in statuses)
        {
            o.WriteLine(status.Release is { } r
                ? $"{status.Target}: {r.Version} ({DeployWorker.ShortCommit(r.Commit)}), deployed {r.DeployedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {r.DeployedBy}"
                : $"{status.Target}: no release recorded on the server");
            if (status.Operation is { } operation)
            {
                o.WriteLine($"  Operation: {operation}");
            }

            foreach (var service in status.Services)
            {
                o.WriteLine($"  {(service.Ready ? "ok  " : "FAIL")} {service.Service,-20} {service.State}");
            }

            o.WriteLine($"  {status.Summary}");
        }

        if (statuses.Select(s => s.Release?.Commit).Distinct().Count() > 1)
        {
            o.WriteLine("The hosts serve different releases.");
        }

        if (last is not null)
        {
            o.WriteLine($"Last deploy from this machine: {last.Version ?? last.Ref} {last.Outcome.ToString().ToLowerInvariant()} at "
                + $"{last.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC{(last.Error is null ? "" : $": {last.Error}")}");
        }

        return healthy ? ExitCodes.Success : ExitCodes.HealthCheckFailed;
    }
}
