using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.ZeroDowntime;

namespace DevOpsAgent.Core.Tests.ZeroDowntime;

/// <summary>What a rollback to a kept slot runs: the containers started in dependency order, alembic in the running newer slot, the old slot stopped behind.</summary>
public sealed class SlotRollbackCommandsTests
{
    private const string Compose = """
        services:
          frontend:
            build: ./frontend
            ports: ["8080:80"]
            depends_on:
              backend:
                condition: service_healthy
          worker:
            build: ./backend
            depends_on: [db, backend]
          backend:
            build: ./backend
            depends_on: [db]
          db:
            image: postgres:15
            volumes: [db-data:/var/lib/postgresql/data]
        volumes:
          db-data: {}
        """;

    private static SlotLayout Layout()
    {
        var file = ComposeFile.Parse(new ProjectFile("docker-compose.prod.yml", Compose));
        var model = ComposeModel.Build(ComposeSet.Of(["docker-compose.prod.yml"], production: true), new Dictionary<string, ComposeFile> { ["docker-compose.prod.yml"] = file });
        return SlotLayout.Of(model, "shop-production", new ZeroDowntimeConfig());
    }

    private static SlotStack Stack()
    {
        var layout = Layout();
        ComposeCommands Slot(string name) => new(ComposeFlavor.V2, "/var/www/shop", layout.SlotProject(name), [$".devops-agent-{name}.yml"]);
        return new SlotStack(layout, new ZeroDowntimeConfig(), "green", "blue",
            new ComposeCommands(ComposeFlavor.V2, "/var/www/shop", layout.DataProject, [".devops-agent-data.yml"]), Slot("blue"), Slot("green"), null,
            new EdgeCommands(ComposeFlavor.V2, new EdgeSpec("shop-production", "/var/www/shop", "8080", 80, "/")));
    }

    [Fact]
    public void A_slot_starts_its_services_with_their_dependencies_first()
    {
        Assert.Equal(["backend", "frontend", "worker"], Layout().StartOrder);
    }

    [Fact]
    public void A_new_slot_starts_group_by_group_each_group_depending_only_on_earlier_ones()
    {
        Assert.Equal([["backend"], ["frontend", "worker"]], Layout().StartLevels);
        Assert.Equal(
            "cd /var/www/shop && flock . docker compose -p shop-production-blue -f .devops-agent-blue.yml up -d --no-deps --no-recreate backend"
            + " && cd /var/www/shop && flock . docker compose -p shop-production-blue -f .devops-agent-blue.yml up -d --no-deps --no-recreate frontend worker",
            Stack().StartCreatedInOrder().Text);
    }

    [Fact]
    public void A_kept_slot_is_started_with_docker_start_service_by_service_under_the_app_folders_lock()
    {
        static string For(string service) =>
            $"ids=$(docker ps -aq --filter label=com.docker.compose.project=shop-production-blue --filter label=com.docker.compose.service={service} --filter label=com.docker.compose.oneoff=False)"
            + " && { [ -z \"$ids\" ] || docker start $ids >/dev/null; } || exit 1";
        var script = string.Join("; ", new[] { "backend", "frontend", "worker" }.Select(For));

        Assert.Equal($"cd /var/www/shop && flock . sh -c {DevOpsAgent.Core.Shell.ShellQuoting.Quote(script)}", Stack().StartInOrder("blue").Text);
    }

    [Fact]
    public void The_old_slot_stops_in_the_background_holding_the_lock_and_running_containers_are_counted()
    {
        var stack = Stack();

        Assert.Equal(
            "nohup sh -c 'cd /var/www/shop && flock . docker compose -p shop-production-green -f .devops-agent-green.yml stop' </dev/null >/dev/null 2>&1 &",
            SlotStack.StopInBackground(stack.LiveCompose!).Text);
        Assert.Equal(
            "echo $(docker ps -q --filter label=com.docker.compose.project=shop-production-green --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False | wc -l) "
            + "$(docker ps -aq --filter label=com.docker.compose.project=shop-production-green --filter label=com.docker.compose.service=backend --filter label=com.docker.compose.oneoff=False | wc -l)",
            SlotStack.RunningOf(stack.LiveCompose!, "backend").Text);
    }

    [Fact]
    public void Alembic_runs_in_the_running_container_when_asked_and_in_a_one_off_otherwise()
    {
        var stack = Stack();
        var alembic = stack.Alembic(stack.LiveCompose!, new MigrationsConfig { Service = "backend", DatabaseService = "db" });

        Assert.Equal("cd /var/www/shop && flock . docker compose -p shop-production-green -f .devops-agent-green.yml run --rm -T --no-deps backend alembic downgrade 0001",
            alembic.Downgrade("0001").Text);
        Assert.Equal("cd /var/www/shop && docker compose -p shop-production-green -f .devops-agent-green.yml exec -T backend alembic downgrade 0001",
            (alembic with { InRunningContainer = true }).Downgrade("0001").Text);
    }

    [Fact]
    public async Task Preparing_a_slot_is_one_call_into_the_edge_and_a_missing_edge_is_left_to_the_switch()
    {
        var spec = new EdgeSpec("shop-production", "/var/www/shop", "8080", 80, "/");
        var edge = new EdgeCommands(ComposeFlavor.V2, spec);
        var maint = new RecordingCommandRunner().Answer("checks started", standardOutput: "switch: checks started\nswitch: done\n");

        await new EdgeSwitch(maint, edge, TimeProvider.System).PrepareAsync(Slot.Green, CancellationToken.None);

        Assert.Equal([edge.PrepareSlot(Slot.Green)], maint.Commands);
        Assert.EndsWith(" _ green 'set server app/green state drain; enable health app/green'; fi", edge.PrepareSlot(Slot.Green).Text);

        var down = new RecordingCommandRunner().Answer("checks started", exitCode: 1, standardError: "no running edge container");
        await new EdgeSwitch(down, edge, TimeProvider.System).PrepareAsync(Slot.Green, CancellationToken.None);
        Assert.Single(down.Commands);

        var refused = new RecordingCommandRunner().Answer("checks started", standardOutput: "switch: haproxy refused\nNo such server.\n");
        var error = await Assert.ThrowsAsync<DevOpsAgent.Core.Errors.DevOpsAgentException>(() =>
            new EdgeSwitch(refused, edge, TimeProvider.System).PrepareAsync(Slot.Green, CancellationToken.None));
        Assert.Equal("edge: HAProxy refused 'set server app/green state drain; enable health app/green': No such server.", error.Message);
    }
}
