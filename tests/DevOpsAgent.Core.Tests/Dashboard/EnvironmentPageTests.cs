using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Locks;
using DevOpsAgent.Core.Status;
using DevOpsAgent.Core.Tests.Protocol;
using DevOpsAgent.Dashboard;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>An environment's page: services, the deploy lock, backups and the live-log stream it subscribes to.</summary>
public sealed class EnvironmentPageTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static readonly StatusView Healthy = new("staging", new EnvironmentStatus("staging", "deploy@staging.example.com:22",
        new ServerRelease("staging", "v1.1.0", ProtocolFakes.Commit, "v1.1.0", At, "me@box", null, "d1"),
        [new ServiceStatus("db", "running (healthy)", true), new ServiceStatus("back<end>", "exited (1)", false)]), null, At);

    [Fact]
    public void Services_lock_and_backups_are_shown_with_everything_encoded()
    {
        var held = new LockStatus(LockState.Held, new LockInfo { DeployId = "x", Environment = "staging", Holder = "ci@<runner>", Target = "v1.2.0", StartedAt = At }, "x", TimeSpan.FromSeconds(3));
        var backups = new List<BackupFile> { new("production-20261203-pre.dump", "/var/www/shop/backups/production-20261203-pre.dump", 3 * 1024 * 1024 + 1, At) };
        var html = EnvironmentPage.Render(ProtocolFakes.Environment("staging", "staging"), Healthy, new(held, null), new(backups, null), "db");

        Assert.Contains("serves <b>v1.1.0</b>", html);
        Assert.Contains("<td>back&lt;end&gt;</td><td>exited (1)</td><td class=\"bad\">no</td>", html);
        Assert.Contains("/environments/staging?service=back%3Cend%3E#logs", html);
        Assert.Contains("data-state=\"held\"", html);
        Assert.Contains("ci@&lt;runner&gt;", html);
        Assert.Contains("<code>production-20261203-pre.dump</code>", html);
        Assert.Contains("3.0 MiB", html);
        Assert.Contains("data-source=\"/environments/staging/logs?service=db\"", html);
        Assert.DoesNotContain("<runner>", html);
    }

    [Fact]
    public void What_could_not_be_read_says_why_in_its_own_panel()
    {
        var html = EnvironmentPage.Render(ProtocolFakes.Environment("staging", "staging"), new StatusView("staging", null, "no answer within 8 s", At),
            new(null, "permission denied"), new(null, "no answer within 8 s"), null);
        Assert.Contains("unreachable: no answer within 8 s", html);
        Assert.Contains("<p id=\"lock\" class=\"bad\">could not be read: permission denied</p>", html);
        Assert.Contains("<p id=\"backups\" class=\"bad\">could not be read: no answer within 8 s</p>", html);
        Assert.Contains("data-source=\"/environments/staging/logs\"", html);
    }

    [Fact]
    public void An_abandoned_lock_says_how_to_free_it_and_no_backups_says_where_they_would_be()
    {
        var abandoned = new LockStatus(LockState.Abandoned, new LockInfo { DeployId = "x", Environment = "staging", Holder = "me@box", Target = "v1.2.0", StartedAt = At }, "x", TimeSpan.FromMinutes(5));
        var html = EnvironmentPage.Render(ProtocolFakes.Environment("staging", "staging"), Healthy, new(abandoned, null), new([], null), null);
        Assert.Contains("data-state=\"abandoned\"", html);
        Assert.Contains("<code>devops-agent lock release staging</code> frees it", html);
        Assert.Contains("No database dumps in <code>/var/www/shop/backups</code>", html);
    }
}
