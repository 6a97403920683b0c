namespace DevOpsAgent.Core.Tests.Cli;

/// <summary><c>deploy --dry-run</c> on an environment with <c>hosts:</c>: what each host would run, nothing connected.</summary>
public sealed class FleetDeployCommandTests : IDisposable
{
    private readonly TempProject _project = new(git: false);

    public FleetDeployCommandTests() => _project.Write("devops-agent.yml", """
        project: shop
        repository: /nowhere/shop.git
        environments:
          staging:
            user: deploy
            hosts:
              - web1.example.com
              - ops@web2.example.com:2222
            path: /var/www/shop
            branch: staging
        """);

    [Fact]
    public async Task A_dry_run_prints_each_hosts_plan_and_the_fleet_lock_only_on_the_first()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await DevOpsAgent.Cli.CliApp.RunAsync(
            ["deploy", "staging", "--dry-run", "--config", Path.Combine(_project.Root, "devops-agent.yml"), "--project-dir", RepoFiles.Path("examples/fullstack")],
            new DevOpsAgent.Cli.CliConsole(output, errors) { Interactive = false }, CancellationToken.None);
        var error = errors.ToString();

        Assert.True(code == 0, $"{code}: {error}{output}");
        var plans = output.ToString().Split('\n').Where(l => l.StartsWith("Plan for ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Plan for deploy@web1.example.com:22 (dry run) (nothing was run):", "Plan for ops@web2.example.com:2222 (dry run) (nothing was run):"], plans);
        var text = output.ToString();
        var second = text[text.IndexOf(plans[1], StringComparison.Ordinal)..];
        var first = text[..text.IndexOf(plans[1], StringComparison.Ordinal)];
        Assert.Contains("/var/www/shop/.devops-agent/fleet/.devops-agent/lock", first, StringComparison.Ordinal);
        Assert.DoesNotContain("/fleet/", second, StringComparison.Ordinal);
        Assert.Contains(" up -d --remove-orphans", second, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
