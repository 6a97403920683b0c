using DevOpsAgent.Core.Locks;

namespace DevOpsAgent.Core.Tests.Locks;

public sealed class DeployLockCommandsTests
{
    internal static readonly LockInfo Info = new()
    {
        DeployId = "20250131100000-staging-abc123",
        Environment = "staging",
        Holder = "alice@laptop",
        TaskId = "TASK-045",
        Target = "v1.2.0",
        StartedAt = new DateTimeOffset(2025, 1, 31, 10, 0, 0, TimeSpan.Zero),
    };

    private const string Json =
        "'{\"deploy_id\":\"20250131100000-staging-abc123\",\"environment\":\"staging\",\"holder\":\"alice@laptop\",\"task_id\":\"TASK-045\","
        + "\"target\":\"v1.2.0\",\"started_at\":\"2025-01-31T10:00:00+00:00\",\"step\":\"starting\"}'";

    private const string L = "/var/www/shop/.devops-agent/lock";

    private const string Guard = "mkdir -p /var/www/shop/.devops-agent && ( flock -w 30 9 || { echo 'timed out waiting for the lock guard' >&2; exit 75; }; ";

    private const string OwnedByAlice =
        "owner=$(cat " + L + "/owner 2>/dev/null); [ \"$owner\" = 20250131100000-staging-abc123 ] || { echo \"the lock is held by ${owner:-nobody}\" >&2; exit 3; }";

    private const string WriteAll =
        "printf '%s\\n' 20250131100000-staging-abc123 > " + L + "/owner.tmp && mv -f " + L + "/owner.tmp " + L + "/owner && "
        + "printf '%s\\n' " + Json + " > " + L + "/info.json.tmp && mv -f " + L + "/info.json.tmp " + L + "/info.json";

    private const string Beat = "date +%s > " + L + "/heartbeat.tmp && mv -f " + L + "/heartbeat.tmp " + L + "/heartbeat";

    [Fact]
    public void A_free_lock_is_taken_with_one_atomic_mkdir_then_filled() =>
        Assert.Equal(
            "mkdir -p /var/www/shop/.devops-agent && if mkdir " + L + " 2>/dev/null; then " + WriteAll + " && " + Beat + " && echo acquired; "
            + "elif [ -d " + L + " ]; then echo held; else mkdir " + L + "; fi",
            DeployLockCommands.Acquire("/var/www/shop", Info).Text);

    [Fact]
    public void Reading_the_lock_prints_the_server_clock_the_heartbeat_the_owner_and_the_info() =>
        Assert.Equal(
            "echo \"now=$(date +%s)\"; if [ -d " + L + " ]; then echo \"beat=$(cat " + L + "/heartbeat 2>/dev/null || stat -c %Y " + L + ")\"; "
            + "echo \"owner=$(cat " + L + "/owner 2>/dev/null)\"; echo \"info=$(cat " + L + "/info.json 2>/dev/null)\"; fi",
            DeployLockCommands.Read("/var/www/shop").Text);

    [Fact]
    public void A_heartbeat_is_the_server_clock_written_only_while_the_lock_is_still_ours() =>
        Assert.Equal(Guard + OwnedByAlice + "; " + Beat + " ) 9>/var/www/shop/.devops-agent/lock.guard",
            DeployLockCommands.Heartbeat("/var/www/shop", Info.DeployId).Text);

    [Fact]
    public void The_step_is_rewritten_atomically_while_the_lock_is_still_ours() =>
        Assert.Equal(
            Guard + OwnedByAlice + "; printf '%s\\n' " + Json.Replace("starting", "build", StringComparison.Ordinal) + " > " + L + "/info.json.tmp && mv -f "
            + L + "/info.json.tmp " + L + "/info.json ) 9>/var/www/shop/.devops-agent/lock.guard",
            DeployLockCommands.UpdateStep("/var/www/shop", Info, "build").Text);

    [Fact]
    public void Release_removes_the_lock_only_when_the_deploy_still_owns_it() =>
        Assert.Equal(Guard + "[ -d " + L + " ] || exit 0; " + OwnedByAlice + "; rm -rf " + L + " ) 9>/var/www/shop/.devops-agent/lock.guard",
            DeployLockCommands.Release("/var/www/shop", Info.DeployId).Text);

    [Fact]
    public void A_stale_lock_is_taken_over_in_place_only_if_it_is_still_the_dead_deploys_and_still_stale_by_the_server_clock() =>
        Assert.Equal(
            Guard + "[ -d " + L + " ] || { echo gone; exit 0; }; [ \"$(cat " + L + "/owner 2>/dev/null)\" = dead-deploy ] || { echo changed; exit 0; }; "
            + "beat=$(cat " + L + "/heartbeat 2>/dev/null || stat -c %Y " + L + "); [ $(($(date +%s) - beat)) -ge 60 ] || { echo changed; exit 0; }; "
            + WriteAll + " && " + Beat + " && echo acquired ) 9>/var/www/shop/.devops-agent/lock.guard",
            DeployLockCommands.TakeOver("/var/www/shop", "dead-deploy", TimeSpan.FromSeconds(60), Info).Text);

    [Fact]
    public void Values_that_look_like_shell_stay_data()
    {
        var hostile = Info with { DeployId = "x'; rm -rf / #", Holder = "$(reboot)" };

        var text = DeployLockCommands.Acquire("/var/www/my app", hostile).Text;

        Assert.Contains("printf '%s\\n' 'x'\\''; rm -rf / #' > '/var/www/my app/.devops-agent/lock'/owner.tmp", text, StringComparison.Ordinal);
        Assert.Contains("\"holder\":\"$(reboot)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" \"$(reboot)", text, StringComparison.Ordinal);
    }
}
