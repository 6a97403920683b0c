using System.Diagnostics;
using System.Security.Cryptography;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests.Protocol;

/// <summary>
/// A stack of the protocol tests' own on both test-bed servers: app folder /var/www/protocol-it, compose
/// projects protocol-it-staging / protocol-it-production, HTTP ports 18110 / 18111, so other engineers' stacks
/// (shop-*) are never touched. Its .env holds a canary inside each secret; it is all removed on dispose.
/// </summary>
public sealed class ProtocolStack : IAsyncDisposable
{
    public const string AppPath = "/var/www/protocol-it";

    public static readonly (string Name, int HttpPort)[] Servers = [("staging", 18110), ("production", 18111)];

    public string Canary { get; } = "canary" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public string Root { get; } = Directory.CreateTempSubdirectory("devops-agent-protocol-it-").FullName;

    public string ConfigPath => Path.Combine(Root, "devops-agent.yml");

    public string HistoryPath => Path.Combine(Root, "history.db");

    public AgentCli Cli => new(HistoryPath);

    public static string ComposeProject(string server) => $"protocol-it-{server}";

    public async Task SetUpAsync(string projectState, CancellationToken cancellationToken)
    {
        var bed = TestBed.Current;
        foreach (var (name, port) in Servers)
        {
            await TearDownServerAsync(name, cancellationToken);
            // /var/www on a test-bed server is root's; the app folder is made once, as an operator would.
            var folder = Path.Combine(bed.Directory, "servers", name, "www", "protocol-it");
            Directory.CreateDirectory(folder);
            Run("chown", "deploy:deploy", folder);
            var password = Secret();
            var env = $"APP_ENV={name}\nPOSTGRES_USER=shop\nPOSTGRES_PASSWORD={password}\nPOSTGRES_DB=shop\n"
                + $"DATABASE_URL=postgresql://shop:{password}@db:5432/shop\nSECRET_KEY={Secret()}\nAPI_BASE_URL=http://localhost:{port}\n"
                + $"VITE_API_BASE_URL=\nHTTP_PORT={port}\n";
            await using var ssh = await bed.ConnectAsync(name, cancellationToken);
            var write = $"umask 077 && printf '%s' {ShellQuoting.Quote(env)} > {AppPath}/.env && chmod 600 {AppPath}/.env";
            (await ssh.RunAsync(ShellCommand.Raw(write), cancellationToken)).EnsureSuccess(ssh.Target);
        }

        await File.WriteAllTextAsync(Path.Combine(Root, "project-state.yml"), projectState, cancellationToken);
        await File.WriteAllTextAsync(ConfigPath, Config(bed), cancellationToken);
    }

    public async Task<string> RunOnServerAsync(string server, string script, CancellationToken cancellationToken)
    {
        await using var ssh = await TestBed.Current.ConnectAsync(server, cancellationToken);
        return (await ssh.RunAsync(ShellCommand.Raw(script), cancellationToken)).StandardOutput;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        foreach (var (name, _) in Servers)
        {
            await TearDownServerAsync(name, timeout.Token);
        }

        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Containers, volumes, networks and kept images of this stack only (by its compose project label and names), then its folder.</summary>
    private static async Task TearDownServerAsync(string name, CancellationToken cancellationToken)
    {
        var project = ComposeProject(name);
        var label = ShellQuoting.Quote($"label=com.docker.compose.project={project}");
        var script = $"docker ps -aq --filter {label} | xargs -r docker rm -f >/dev/null; "
            + $"docker volume ls -q --filter {label} | xargs -r docker volume rm >/dev/null; "
            + $"docker network ls -q --filter {label} | xargs -r docker network rm >/dev/null; "
            + $"docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}' | grep -E '^{project}[_-]' | xargs -r docker rmi -f >/dev/null; true";
        await using (var ssh = await TestBed.Current.ConnectAsync(name, cancellationToken))
        {
            await ssh.RunAsync(ShellCommand.Raw(script), cancellationToken);
        }

        var folder = Path.Combine(TestBed.Current.Directory, "servers", name, "www", "protocol-it");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Secret() => Canary + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Config(TestBed bed)
    {
        var environments = string.Concat(Servers.Select(s => $"""
              {s.Name}:
                server: 127.0.0.1
                port: {bed.Server(s.Name).SshPort}
                user: deploy
                path: {AppPath}
                compose_project: {ComposeProject(s.Name)}
                identity_file: {bed.KeyFile}
                known_hosts: {bed.KnownHostsFile}
                {(s.Name == "staging" ? "branch: staging" : "tag: v1.1.0\n    preflight:\n      tested_on: staging")}
                health:
                  timeout: 180s
                  interval: 2s
                  http:
                    - url: http://localhost:{s.HttpPort}/health
                      json:
                        status: healthy
                  frontend: http://localhost:{s.HttpPort}/
                  database: db

            """));
        return $"""
            project: shop
            repository: {bed.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
              versions: backend/alembic/versions
            orchestrator:
              project_state: project-state.yml
              reports: reports
            environments:
            {environments}
            """;
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
