using System.Text.Json;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// The foundation's acceptance: over a real SSH connection (SSH.NET, host key verified), the reference stack's
/// v1.0.0 is checked out on the staging server, built, brought up and proven healthy, and data written through
/// the API is read back from PostgreSQL. Real sshd, dockerd, compose, git and PostgreSQL; nothing faked.
/// </summary>
[Collection(ReferenceStack.Collection)]
public sealed class ReferenceStackTests
{
    private const string Project = "shop-staging";

    [Fact]
    public async Task The_reference_stack_comes_up_healthy_on_staging_over_ssh_and_keeps_what_the_api_writes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = timeout.Token;
        var bed = TestBed.Current;
        await bed.ResetAsync("staging", Project, ct);
        await using var ssh = await bed.ConnectAsync("staging", ct);
        async Task<string> Run(ShellCommand command) => (await ssh.RunAsync(command, ct)).EnsureSuccess(ssh.Target).StandardOutput;

        var git = new GitCommands(bed.AppPath);
        await Run(git.EnsureRepository(bed.Origin));
        await Run(git.Fetch());
        var commit = (await Run(git.Resolve(GitRef.Parse("v1.0.0")))).Trim();
        await Run(git.Checkout(commit));

        var flavor = ComposeDetection.Parse(await Run(ComposeDetection.Detect()));
        var compose = new ComposeCommands(flavor, bed.AppPath, Project, ["docker-compose.prod.yml"]);
        try
        {
            await Run(compose.Build());
            await Run(compose.Up());
            await Run(compose.Run("backend", "alembic", "upgrade", "head"));

            var states = await WaitUntilReadyAsync(ssh, compose, ct);
            Assert.Equal(["backend", "db", "frontend"], states.Select(s => s.Service).Order());
            Assert.All(states, s => Assert.Equal(("running", "healthy"), (s.Status, s.Health)));

            var port = bed.Server("staging").HttpPort;
            using (var health = JsonDocument.Parse(await Run(ShellCommand.Of("curl", "-fsS", $"http://localhost:{port}/health"))))
            {
                Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
                Assert.Equal("1.0.0", health.RootElement.GetProperty("version").GetString());
            }

            var name = $"canary-{Guid.NewGuid():N}";
            var created = await Run(ShellCommand.Of("curl", "-fsS", "-X", "POST", "-H", "Content-Type: application/json",
                "--data", JsonSerializer.Serialize(new { name }), $"http://localhost:{port}/api/items"));
            using (var item = JsonDocument.Parse(created))
            {
                Assert.Equal(name, item.RootElement.GetProperty("name").GetString());
            }

            var stored = await Run(compose.Exec("db", "sh", "-c", "psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -tAc \"SELECT name FROM items\""));
            Assert.Contains(name, stored.Split('\n', StringSplitOptions.TrimEntries));
            Assert.Equal("0001", (await Run(compose.Exec("db", "sh", "-c", "psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -tAc \"SELECT version_num FROM alembic_version\""))).Trim());

            var page = await Run(ShellCommand.Of("curl", "-fsS", $"http://localhost:{port}/"));
            Assert.Contains("<div id=\"app\">", page, StringComparison.Ordinal);
        }
        finally
        {
            await ssh.RunAsync(compose.Down(removeVolumes: true), CancellationToken.None);
        }
    }

    private static async Task<IReadOnlyList<ContainerState>> WaitUntilReadyAsync(ICommandRunner ssh, ComposeCommands compose, CancellationToken ct)
    {
        while (true)
        {
            var states = ContainerState.ParseAll((await ssh.RunAsync(ContainerState.Inspect(compose), ct)).StandardOutput);
            if (states.Count == 3 && states.All(s => s.IsReady))
            {
                return states;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
