using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Status;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Status;

public sealed class EnvironmentStatusTests
{
    private static RecordingCommandRunner Server(string frontendProbeExit) => new RecordingCommandRunner("deploy@staging.example.com:22")
        .Answer("docker compose version", standardOutput: "v2\n")
        .Answer("config --services", standardOutput: "backend\nfrontend\n")
        .Answer("xargs -r docker inspect", standardOutput:
            "backend\t/shop-staging-backend-1\trunning\thealthy\talways\t0\t0\t[\"CMD\",\"curl\",\"-fsS\",\"http://localhost:8000/health\"]\n"
            + "frontend\t/shop-staging-frontend-1\trunning\tstarting\talways\t0\t0\t[\"CMD-SHELL\",\"wget -qO- http://localhost/ >/dev/null\"]\n")
        .Answer("docker exec shop-staging-frontend-1", exitCode: int.Parse(frontendProbeExit, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_container_awaiting_Dockers_first_probe_is_healthy_when_its_own_healthcheck_passes_now()
    {
        var runner = Server("0");

        var status = await EnvironmentStatus.ReadAsync(runner, ProtocolFakes.Environment("staging", "staging"), CancellationToken.None);

        Assert.Equal("All services running, healthy.", status.Summary);
        Assert.Equal("running (starting; its healthcheck passes when run now)", Assert.Single(status.Services, s => s.Service == "frontend").State);
        // Only the pending container is probed; a healthy one is taken at Docker's word.
        Assert.Equal(["timeout 10 docker exec shop-staging-frontend-1 /bin/sh -c 'wget -qO- http://localhost/ >/dev/null'"],
            runner.Commands.Where(c => c.Text.Contains("docker exec", StringComparison.Ordinal)).Select(c => c.Text));
    }

    [Fact]
    public async Task A_container_awaiting_its_first_probe_whose_healthcheck_fails_now_is_not_healthy()
    {
        var status = await EnvironmentStatus.ReadAsync(Server("1"), ProtocolFakes.Environment("staging", "staging"), CancellationToken.None);

        Assert.Equal("Not healthy: frontend is running (starting)", status.Summary);
    }
}
