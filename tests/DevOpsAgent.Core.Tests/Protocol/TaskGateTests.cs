using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Protocol;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Core.Tests.Protocol;

public sealed class TaskGateTests
{
    public const string StateYaml = """
        # Written by the Orchestrator; DevOps Agent only reads it.
        version: 1
        tasks:
          - id: TASK-045
            title: Item descriptions
            assignee: DevOps Agent
            status: assigned
            environment: staging
            ref: staging
            qa_status: pending
          - id: TASK-046
            title: Release 1.1 to production
            assignee: devops-agent
            status: in-progress
            environment: production
            ref: v1.1.0
            qa_status: approved
            qa_approved_by: QA Agent
          - id: TASK-047
            title: Login page
            assignee: Frontend Agent
            status: in_progress
          - id: TASK-048
            title: Old release
            assignee: DevOps Agent
            status: done
        """;

    private static readonly ProjectState State = ProjectState.Read(YamlConfigLoader.Parse(StateYaml), "project-state.yml");

    private static readonly DeployInstruction DeployStaging = new("staging", RefSource.Task, null);

    [Fact]
    public void The_project_state_is_read_with_every_field()
    {
        var task = State.Find("task-046")!;

        Assert.Equal(("TASK-046", "Release 1.1 to production", WorkStatus.InProgress, "production", "v1.1.0", QaStatus.Approved, "QA Agent"),
            (task.Id, task.Title, task.Status, task.Environment, task.Ref?.Name, task.Qa, task.QaBy));
        Assert.True(task.IsAssignedToDevOps);
    }

    [Fact]
    public void An_assigned_task_for_the_right_environment_may_proceed()
    {
        Assert.Equal("TASK-045", TaskGate.Authorize(State, "project-state.yml", "TASK-045", DeployStaging).Id);
    }

    [Theory]
    [InlineData("TASK-099", "TASK-099 is not in the project state (project-state.yml); nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("TASK-047", "TASK-047 is assigned to Frontend Agent, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("TASK-048", "TASK-048 is done; DevOps Agent works on assigned or in_progress tasks only. Nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?")]
    [InlineData("TASK-046", "TASK-046 targets production, not staging; nothing was done. Did you mean \"DevOps Agent [EXECUTE TASK-046]: Deploy feature to production\"?")]
    public void Work_nobody_assigned_is_refused(string task, string reason)
    {
        Assert.Equal(reason, Assert.Throws<RefusedException>(() => TaskGate.Authorize(State, "project-state.yml", task, DeployStaging)).Message);
        // The alternative a refusal names is a message the parser understands.
        var suggestion = reason[(reason.IndexOf("Did you mean \"", StringComparison.Ordinal) + 14)..^2];
        Assert.NotNull(MessageParser.Parse(suggestion, null, ["staging", "production"]));
    }

    [Fact]
    public void A_release_other_than_the_tasks_is_refused()
    {
        var error = Assert.Throws<RefusedException>(() =>
            TaskGate.Authorize(State, "project-state.yml", "TASK-046", new DeployInstruction("production", RefSource.Tag, GitRef.Parse("v1.3.0-bad-migration"))));

        Assert.Equal("TASK-046 ships v1.1.0, not v1.3.0-bad-migration; nothing was done. Did you mean \"DevOps Agent [EXECUTE TASK-046]: Deploy feature to production\"?", error.Message);
    }

    [Fact]
    public void Without_a_project_state_nothing_can_be_verified_so_everything_is_refused()
    {
        Assert.Contains("no project state is configured", Assert.Throws<RefusedException>(() => TaskGate.Authorize(null, null, "TASK-045", DeployStaging)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_is_recorded_with_its_reason()
    {
        var now = DateTimeOffset.Parse("2026-11-27T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var record = TaskGate.RefusalRecord("TASK-047", DeployStaging, "alice@laptop", "not assigned", now);

        Assert.Equal((DeployOutcome.Refused, "staging", "deploy", "-", "TASK-047", "not assigned", now),
            (record.Outcome, record.Environment, record.Action, record.Ref, record.TaskId, record.Error, record.FinishedAt));
    }

    [Fact]
    public void An_invalid_project_state_names_every_problem_with_its_path()
    {
        const string yaml = """
            tasks:
              - id: TASK-1;rm
                assignee: DevOps Agent
                status: shipping
                ref: main;reboot
                colour: blue
              - title: no id
            """;

        var error = Assert.Throws<ConfigurationException>(() => ProjectState.Read(YamlConfigLoader.Parse(yaml), "state.yml"));

        Assert.Contains("tasks/0/colour: unknown key", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks/0/id: should be a task id such as TASK-045", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks/0/ref: invalid git ref: ';' is not allowed in a ref", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks/0/status: should be one of: todo, assigned, in_progress, in_review, qa, done, blocked, cancelled", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks/1/id: required", error.Message, StringComparison.Ordinal);
        Assert.Contains("tasks/1/assignee: required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_orchestrator_section_of_the_configuration_is_validated_with_paths()
    {
        const string head = "project: shop\nrepository: /srv/shop.git\nenvironments:\n  staging:\n    server: s\n    user: deploy\n    path: /var/www/shop\n    branch: staging\n";

        var config = AgentConfig.Read(YamlConfigLoader.Parse(head + "orchestrator:\n  project_state: .orchestrator/state.yml\n  webhook: http://127.0.0.1:9/hook?token=x\n  reports: reports\n"),
            new Dictionary<string, string>());
        var error = Assert.Throws<ConfigurationException>(() => AgentConfig.Read(YamlConfigLoader.Parse(head + "orchestrator:\n  webhook: ftp://x\n  state: y\n"),
            new Dictionary<string, string>()));

        Assert.Equal((".orchestrator/state.yml", "reports", "http://127.0.0.1:9/hook"),
            (config.Orchestrator!.ProjectState, config.Orchestrator.Reports, OrchestratorConfig.Printable(config.Orchestrator.Webhook!)));
        Assert.Contains("orchestrator/webhook: should be an absolute http:// or https:// URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("orchestrator/state: unknown key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_shows_an_assignee_from_the_state_file_with_its_hidden_characters_escaped()
    {
        var state = ProjectState.Read(YamlConfigLoader.Parse("version: 1\ntasks:\n  - id: TASK-050\n    assignee: \"QA \\u202Etnega\"\n    status: assigned\n"), "project-state.yml");

        var error = Assert.Throws<RefusedException>(() => TaskGate.Authorize(state, "project-state.yml", "TASK-050", DeployStaging));

        Assert.Equal("TASK-050 is assigned to QA \\u{202E}tnega, not to DevOps Agent; nothing was done. Did you mean \"DevOps Agent [CONSULT]: staging status\"?", error.Message);
    }
}
