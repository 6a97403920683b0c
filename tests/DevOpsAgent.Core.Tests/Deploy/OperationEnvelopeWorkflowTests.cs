using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Operations;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Deploy;

/// <summary>
/// The operation envelope against the recording backend: the server's journal, recovery from what the server
/// records, lost connections and cancels.
/// </summary>
public sealed class OperationEnvelopeWorkflowTests
{
    private const string Commit = ProtocolFakes.Commit;
    private const string Previous = ProtocolFakes.Previous;
    private const string Journal = "/var/www/shop/.devops-agent/operation.json";

    private static readonly EnvironmentConfig Staging = ProtocolFakes.Config.Environment("staging");

    private readonly MemoryHistory _history = new();

    private List<DeployRecord> Saved => _history.Saved;

    private static string ServingRelease => new ServerRelease("staging", "v1.0.0", Previous, "v1.0.0", DateTimeOffset.UnixEpoch, "alice", null, "d1") { Revision = "0001" }
        .Write("/x").Text.Split('\'')[3];

    /// <summary>A server that serves v1.0.0 (recorded) and answers a deploy of <see cref="Commit"/> as healthy.</summary>
    private static RecordingCommandRunner Server(string? journal = null)
    {
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer("cat /var/www/shop/.devops-agent/release.json", standardOutput: ServingRelease + "\n");
        if (journal is not null)
        {
            runner.Answer($"cat {Journal}", standardOutput: journal + "\n");
        }

        return runner.AppendRulesFrom(ProtocolFakes.HealthyServer());
    }

    private Task<DeployResult> DeployAsync(ICommandRunner runner, CancellationToken cancellationToken = default) =>
        new DeployWorker(ProtocolFakes.Config, runner, _history, SilentObserver.Instance, TimeProvider.System)
            .DeployAsync(new DeployRequest(Staging, GitRef.Parse("staging"), "alice@laptop"), cancellationToken);

    private static List<string> Texts(RecordingCommandRunner runner) => [.. runner.Commands.Select(c => c.Text)];

    [Fact]
    public async Task A_deploy_writes_its_journal_before_anything_changes_and_removes_it_once_healthy()
    {
        var runner = Server();

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var texts = Texts(runner);
        var firstWrite = texts.FindIndex(t => t.Contains(Journal + ".tmp", StringComparison.Ordinal));
        Assert.True(firstWrite >= 0 && firstWrite < texts.FindIndex(t => t.Contains("fetch --quiet", StringComparison.Ordinal)));
        Assert.Contains("\"known_good_commit\":\"" + Previous + "\"", texts[firstWrite], StringComparison.Ordinal);
        Assert.Contains("\"known_good_revision\":\"0001\"", texts[firstWrite], StringComparison.Ordinal);
        Assert.Contains(texts, t => t.Contains("\"switched\":true", StringComparison.Ordinal));
        Assert.True(texts.FindIndex(t => t == $"rm -f {Journal}") > texts.FindIndex(t => t.Contains("release.json.tmp", StringComparison.Ordinal)));
        Assert.Equal(Previous, result.Record.PreviousCommit);
    }

    [Fact]
    public async Task A_deploy_interrupted_after_the_switch_is_recovered_to_the_recorded_release_before_the_next_deploy()
    {
        var journal = new OperationJournal
        {
            OperationId = "d2", Action = "deploy", Environment = "staging", StartedBy = "bob", StartedAt = DateTimeOffset.UnixEpoch, Target = "v1.1.0",
            TargetCommit = Commit, KnownGoodCommit = Previous, KnownGoodVersion = "v1.0.0", KnownGoodRevision = "0001", Step = "up", Switched = true,
        }.ToJson();
        var runner = Server(journal);
        Saved.Add(new DeployRecord { Id = "d2", Environment = "staging", Ref = "v1.1.0", StartedBy = "bob", StartedAt = DateTimeOffset.UnixEpoch });

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        // The killed deploy's history row, left "running" by its process, is closed by the deploy that found it.
        var closed = Saved.Last(r => r.Id == "d2");
        Assert.Equal(DeployOutcome.Failed, closed.Outcome);
        Assert.StartsWith("interrupted (the process stopped without finishing, at step up); found and recovered by ", closed.Error, StringComparison.Ordinal);
        var steps = result.Record.Steps.Select(s => s.Name).ToList();
        Assert.Equal(["lock", "detect compose", "recover: code", "recover: images", "recover: up", "recover: health", "fetch"], steps.Take(7));
        // Nothing interrupted is adopted as a release: the running images may be the half-deployed ones.
        Assert.DoesNotContain("keep serving release", steps);
        var texts = Texts(runner);
        Assert.Contains($"git -C /var/www/shop checkout --quiet --force --detach {Previous}", texts);
        Assert.Contains(texts, t => t.Contains("\"involved_commits\":[\"" + Commit + "\",\"" + Previous + "\"]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lost_connection_during_up_is_a_one_line_connection_error_that_leaves_the_journal_for_the_next_run()
    {
        var fresh = new RecordingCommandRunner("deploy@staging.example.com:22").Throw(" up -d --remove-orphans",
            () => new ConnectionFailedException("Lost the connection to deploy@staging.example.com:22 while running `up`: reset")).AppendRulesFrom(Server());

        var result = await DeployAsync(fresh);

        Assert.Equal(ExitCodes.ConnectionFailed, result.ExitCode);
        Assert.Equal(DeployOutcome.Failed, result.Record.Outcome);
        Assert.DoesNotContain('\n', result.Record.Error!);
        Assert.Contains("stopped at step up, after it began changing what serves", result.Record.Error, StringComparison.Ordinal);
        var texts = Texts(fresh);
        Assert.DoesNotContain($"rm -f {Journal}", texts);
        Assert.DoesNotContain(texts.SkipWhile(t => !t.Contains(" up -d", StringComparison.Ordinal)).Skip(1), t => t.Contains("checkout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancel_during_up_rolls_back_within_the_grace_and_exits_as_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var upCalls = 0;
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22").Throw(" up -d --remove-orphans", () =>
        {
            if (upCalls++ > 0)
            {
                return new InvalidOperationException("the rollback's up must not be cancelled");
            }

            cancel.Cancel();
            return new OperationCanceledException(cancel.Token);
        });
        // The second up (the rollback's) succeeds.
        var server = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer(text => text.Contains(" up -d --remove-orphans", StringComparison.Ordinal) && upCalls > 0)
            .AppendRulesFrom(runner).AppendRulesFrom(Server());

        var result = await DeployAsync(server, cancel.Token);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Equal(DeployOutcome.RolledBack, result.Record.Outcome);
        Assert.StartsWith("cancelled during up; rolled back to v1.0.0", result.Record.Error, StringComparison.Ordinal);
        var texts = Texts(server);
        Assert.Contains($"git -C /var/www/shop checkout --quiet --force --detach {Previous}", texts);
        Assert.Contains($"rm -f {Journal}", texts);
        Assert.NotEqual(DeployOutcome.Running, Saved[^1].Outcome);
    }

    [Fact]
    public async Task Kept_images_that_no_longer_match_their_build_are_rebuilt_from_the_release_code_not_trusted()
    {
        var rolledBack = false;
        var runner = new RecordingCommandRunner("deploy@staging.example.com:22")
            .Answer(text =>
            {
                rolledBack |= text.EndsWith($"checkout --quiet --force --detach {Previous}", StringComparison.Ordinal);
                return !rolledBack && text.Contains("http://localhost:8080/", StringComparison.Ordinal);
            }, standardOutput: "<html>502 Bad Gateway</html>\n502")
            .Answer(text => text.Contains("is not the image its build produced", StringComparison.Ordinal) && text.Contains("222222222222", StringComparison.Ordinal),
                exitCode: ReleaseImages.MismatchExitCode, standardError: "shop-staging_backend:release-222222222222 is not the image its build produced (sha256:aaa)")
            .AppendRulesFrom(Server());

        var result = await DeployAsync(runner);

        Assert.Equal(ExitCodes.RolledBack, result.ExitCode);
        var images = Assert.Single(result.Record.Steps, s => s.Name == "rollback: images");
        Assert.Equal("shop-staging_backend:release-222222222222 is not the image its build produced (sha256:aaa): rebuilt v1.0.0 from its code", images.Detail);
        var texts = Texts(runner);
        Assert.Equal(2, texts.Count(t => t.EndsWith(" build", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_restart_on_a_server_that_records_an_interrupted_deploy_is_refused_and_changes_nothing()
    {
        var journal = new OperationJournal
        {
            OperationId = "d2", Action = "deploy", Environment = "staging", StartedBy = "bob", StartedAt = DateTimeOffset.UnixEpoch, Target = "v1.1.0", Switched = true, Step = "up",
        }.ToJson();
        var runner = Server(journal);
        var ran = false;

        var result = await new OperationEnvelope(runner, _history, SilentObserver.Instance, TimeProvider.System).RunAsync(
            Staging, "restart", "all services", "alice", null, (_, _, _) => { ran = true; return Task.FromResult<string?>(null); }, CancellationToken.None);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.False(ran);
        Assert.Contains("devops-agent rollback staging", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal((DeployOutcome.Refused, "restart"), (Saved[^1].Outcome, Saved[^1].Action));
        Assert.DoesNotContain($"rm -f {Journal}", Texts(runner));
        // The interrupted deploy's own journal is what the server keeps, not the refused restart's.
        var lastWrite = Texts(runner).Last(t => t.Contains(Journal + ".tmp", StringComparison.Ordinal));
        Assert.Contains("\"operation_id\":\"d2\"", lastWrite, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_refused_for_want_of_an_earlier_release_leaves_no_journal_behind()
    {
        var runner = Server();

        await Assert.ThrowsAsync<InvalidInputException>(() => new RollbackOperation(ProtocolFakes.Config, runner, _history, SilentObserver.Instance, TimeProvider.System)
            .RollbackAsync(Staging, null, "alice", null, TimeSpan.FromSeconds(60), CancellationToken.None));

        Assert.Contains($"rm -f {Journal}", Texts(runner));
        Assert.Equal(DeployOutcome.Refused, Saved[^1].Outcome);
    }

    [Fact]
    public async Task A_restore_runs_on_a_server_that_records_an_interrupted_deploy_and_leaves_its_journal_for_the_recovery()
    {
        var journal = new OperationJournal
        {
            OperationId = "d2", Action = "deploy", Environment = "staging", StartedBy = "bob", StartedAt = DateTimeOffset.UnixEpoch, Target = "v1.1.0", Switched = true, Step = "rollback: up",
        }.ToJson();
        var runner = Server(journal);
        var ran = false;

        var result = await new OperationEnvelope(runner, _history, SilentObserver.Instance, TimeProvider.System).RunAsync(
            Staging, "restore", "staging-20250101-000000-0001.dump", "alice", null, (_, _, _) => { ran = true; return Task.FromResult<string?>(null); },
            CancellationToken.None, onInterrupted: true);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(ran);
        Assert.DoesNotContain($"rm -f {Journal}", Texts(runner));
        Assert.Contains(Texts(runner), t => t.Contains(Journal + ".tmp", StringComparison.Ordinal) && t.Contains("\"switched\":true", StringComparison.Ordinal));
    }
}
