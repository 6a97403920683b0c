using System.Diagnostics;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// An app folder of its own on a test bed server (<c>/var/www/&lt;prefix&gt;-&lt;guid&gt;</c>), so that these tests never
/// touch the shop stacks other tests deploy; a devops-agent.yml pointing at it; and, on dispose, its compose
/// project (containers, volumes, networks) and the folder removed. The servers' /var/www belongs to root, so the
/// folder is made from the host side (the tests run as root, like scripts/test.sh). The servers share the host's
/// Docker daemon, which resolves bind mounts on the host: the host's <c>/var/www/&lt;name&gt;</c> is a link to the
/// server's folder, so a stack's bind mounts (the zero-downtime edge's config) find what the server wrote, as on a
/// real server.
/// </summary>
public sealed class ScratchApp : IAsyncDisposable
{
    private ScratchApp(string server, string name)
    {
        Server = server;
        Name = name;
        HostPath = System.IO.Path.Combine(TestBed.Current.Directory, "servers", server, "www", name);
    }

    public string Server { get; }

    /// <summary>The folder's name, also its compose project name.</summary>
    public string Name { get; }

    /// <summary>The app folder as the server sees it.</summary>
    public string Path => $"/var/www/{Name}";

    public string HostPath { get; }

    public string ConfigFile => System.IO.Path.Combine(HostPath, "devops-agent.yml");

    public static ScratchApp Create(string server, string prefix)
    {
        var app = new ScratchApp(server, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(app.HostPath);
        File.CreateSymbolicLink(app.Path, app.HostPath);
        var s = TestBed.Current.Server(server);
        app.WriteFile("devops-agent.yml", $"""
            project: it
            repository: {TestBed.Current.Origin}
            compose_files: [compose.yml]
            environments:
              {server}:
                server: {s.Host}
                port: {s.SshPort}
                user: deploy
                path: {app.Path}
                identity_file: {TestBed.Current.KeyFile}
                known_hosts: {TestBed.Current.KnownHostsFile}
                branch: staging
                compose_project: {app.Name}
                health:
                  database: db
            """);
        return app;
    }

    /// <summary>Writes a file into the app folder, owned by the deploy user.</summary>
    public void WriteFile(string name, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(HostPath, name), content);
        Root("chown", "-R", "deploy:deploy", HostPath);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using (var ssh = await TestBed.Current.ConnectAsync(Server, timeout.Token))
        {
            var label = ShellQuoting.Quote($"label=com.docker.compose.project={Name}");
            await ssh.RunAsync(ShellCommand.Raw($"docker ps -aq --filter {label} | xargs -r docker rm -f >/dev/null; "
                + $"docker volume ls -q --filter {label} | xargs -r docker volume rm >/dev/null; "
                + $"docker network ls -q --filter {label} | xargs -r docker network rm >/dev/null"), timeout.Token);
        }

        Directory.Delete(HostPath, recursive: true);
        File.Delete(Path);
    }

    private static void Root(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with {process.ExitCode}");
        }
    }
}
