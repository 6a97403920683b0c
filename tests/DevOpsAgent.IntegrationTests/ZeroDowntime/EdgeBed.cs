using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Edge;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Infrastructure.Ssh;

namespace DevOpsAgent.IntegrationTests.ZeroDowntime;

/// <summary>
/// A real edge on the bed's staging server (app folder /var/www/edge-it, HTTP port 18161) and stand-in slots: nginx
/// containers on the edge network under the slots' aliases, each answering its own body. Everything it starts
/// carries the compose project label edge-it-edge or edge-it-slots and is removed on dispose.
/// </summary>
public sealed class EdgeBed : IAsyncDisposable
{
    public const int HttpPort = 18161;
    private const string SlotsProject = "edge-it-slots";
    private const string AppPath = "/var/www/edge-it";

    // The servers share the host's Docker daemon but see their own /var/www: the daemon resolves the edge's bind
    // mount on the host, so the host's /var/www/edge-it points at the staging server's folder.
    private static readonly string HostLink = AppPath;
    private readonly string _hostFolder = Path.Combine(TestBed.Current.Directory, "servers", "staging", "www", "edge-it");

    private EdgeBed(SshCommandRunner ssh, EdgeCommands edge)
    {
        Ssh = ssh;
        Edge = edge;
        Switch = new EdgeSwitch(ssh, edge, TimeProvider.System);
    }

    public SshCommandRunner Ssh { get; }

    public EdgeCommands Edge { get; }

    public EdgeSwitch Switch { get; }

    public EdgeSpec Spec => Edge.Spec;

    public static Uri Url(string path = "/") => new($"http://127.0.0.1:{HttpPort}{path}");

    /// <summary>Size of the body /slow answers at 16 KB/s, so that a request stays in flight for about two seconds.</summary>
    public const int SlowBodyBytes = 40_000;

    public static async Task<EdgeBed> StartAsync(CancellationToken cancellationToken)
    {
        var ssh = await TestBed.Current.ConnectAsync("staging", cancellationToken);
        var flavor = ComposeDetection.Parse((await ssh.RunAsync(ComposeDetection.Detect(), cancellationToken)).EnsureSuccess(ssh.Target).StandardOutput);
        var bed = new EdgeBed(ssh, new EdgeCommands(flavor, new EdgeSpec("edge-it", AppPath, $"127.0.0.1:${{EDGE_IT_HTTP_PORT:-{HttpPort}}}", 80, "/")));
        await bed.RemoveAllAsync(cancellationToken);
        Directory.CreateDirectory(bed._hostFolder);
        Root("chown", "deploy:deploy", bed._hostFolder);
        File.CreateSymbolicLink(HostLink, bed._hostFolder);
        return bed;
    }

    /// <summary>Starts (or replaces) a stand-in slot answering <paramref name="body"/>, or 500 everywhere when not healthy.</summary>
    public async Task StartSlotAsync(Slot slot, string body, bool healthy, CancellationToken cancellationToken)
    {
        var name = Spec.ServerAddress(slot);
        var site = healthy
            ? $$"""
                server {
                    listen 80;
                    location / { default_type text/plain; return 200 "{{body}}\n"; }
                    location = /slow { limit_rate 16k; default_type application/octet-stream; alias /srv/big; }
                }
                """
            : """
                server {
                    listen 80;
                    location / { default_type text/plain; return 500 "broken\n"; }
                }
                """;
        var script = $"printf '%s\\n' \"$1\" > /etc/nginx/conf.d/default.conf && head -c {SlowBodyBytes} /dev/zero > /srv/big && exec nginx -g 'daemon off;'";
        await RunAsync(ShellCommand.Raw($"docker rm -f {name} >/dev/null 2>&1; true"), cancellationToken);
        await RunAsync(ShellCommand.Of("docker", "run", "-d", "--name", name, "--label", $"com.docker.compose.project={SlotsProject}",
            "--network", Spec.Network, "--network-alias", name, "nginx:1.22", "sh", "-c", script, "sh", site), cancellationToken);
    }

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken) =>
        (await Ssh.RunAsync(command, cancellationToken)).EnsureSuccess(Ssh.Target);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await RemoveAllAsync(timeout.Token);
        await Ssh.DisposeAsync();
    }

    private async Task RemoveAllAsync(CancellationToken cancellationToken)
    {
        var script = string.Join("; ", new[] { Spec.EdgeProject, SlotsProject }.Select(project =>
            $"docker ps -aq --filter {ShellQuoting.Quote($"label=com.docker.compose.project={project}")} | xargs -r docker rm -f >/dev/null"))
            + $"; docker network ls -q --filter {ShellQuoting.Quote($"name=^{Spec.Network}$")} | xargs -r docker network rm >/dev/null; true";
        await Ssh.RunAsync(ShellCommand.Raw(script), cancellationToken);
        if (new FileInfo(HostLink).LinkTarget is not null)
        {
            File.Delete(HostLink);
        }

        if (Directory.Exists(_hostFolder))
        {
            Directory.Delete(_hostFolder, recursive: true);
        }
    }

    private static void Root(string program, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(program, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with {process.ExitCode}");
        }
    }
}
