using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Ssh;

// Two test classes at a time: each class is a collection of its own (its own app folder, compose projects and
// ports on the bed), except those that share the bed's reference stack (/var/www/shop, shop-staging,
// shop-production), which run one after another in the collection ReferenceStack names.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// The real test bed that scripts/testbed.sh brings up (sshd, dockerd, compose, git origin), read from the
/// variables it writes. Integration tests fail with a clear message when it is not up: they never fake it.
/// </summary>
public sealed class TestBed
{
    private readonly IReadOnlyDictionary<string, string> _variables;

    private TestBed(IReadOnlyDictionary<string, string> variables) => _variables = variables;

    public static TestBed Current { get; } = Load();

    public string KeyFile => this["DEVOPS_TESTBED_KEY"];

    public string KnownHostsFile => this["DEVOPS_TESTBED_KNOWN_HOSTS"];

    public string Origin => this["DEVOPS_TESTBED_ORIGIN"];

    public string AppPath => this["DEVOPS_TESTBED_APP_PATH"];

    public string Directory => this["DEVOPS_TESTBED_DIR"];

    public string this[string name] =>
        _variables.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"{name} is missing from testbed.env.");

    public Server Server(string name)
    {
        var upper = name.ToUpperInvariant();
        return new Server(name, this[$"DEVOPS_TESTBED_{upper}_HOST"], int.Parse(this[$"DEVOPS_TESTBED_{upper}_PORT"]),
            int.Parse(this[$"DEVOPS_TESTBED_{upper}_HTTP_PORT"]));
    }

    public SshTarget Target(string server, string? knownHostsFile = null, bool acceptNewHostKey = false)
    {
        var s = Server(server);
        return new SshTarget
        {
            Host = s.Host,
            Port = s.SshPort,
            User = "deploy",
            IdentityFile = KeyFile,
            KnownHostsFile = knownHostsFile ?? KnownHostsFile,
            AcceptNewHostKey = acceptNewHostKey,
        };
    }

    public Task<SshCommandRunner> ConnectAsync(string server, CancellationToken cancellationToken) =>
        SshCommandRunner.ConnectAsync(Target(server), cancellationToken);

    /// <summary>
    /// Puts a server back to "never deployed": removes the compose project's containers, volumes and networks
    /// and everything in the app folder except the operator's .env.
    /// </summary>
    public async Task ResetAsync(string server, string composeProject, CancellationToken cancellationToken)
    {
        await using var ssh = await ConnectAsync(server, cancellationToken);
        var label = ShellQuoting.Quote($"label=com.docker.compose.project={composeProject}");
        var script = $"docker ps -aq --filter {label} | xargs -r docker rm -f >/dev/null; "
            + $"docker volume ls -q --filter {label} | xargs -r docker volume rm >/dev/null; "
            + $"docker network ls -q --filter {label} | xargs -r docker network rm >/dev/null; "
            + $"find {ShellQuoting.Quote(AppPath)} -mindepth 1 -maxdepth 1 ! -name .env -exec rm -rf {{}} +";
        (await ssh.RunAsync(ShellCommand.Raw(script), cancellationToken)).EnsureSuccess(ssh.Target);
    }

    /// <summary>Runs git as root against the origin (tests add branches and commits there).</summary>
    public static string Git(string workingDirectory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-c", "user.name=Integration Test", "-c", "user.email=it@example.com", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error}");
    }

    private static TestBed Load()
    {
        var directory = Environment.GetEnvironmentVariable("DEVOPS_TESTBED_DIR") ?? "/var/lib/devops-agent-testbed";
        var file = Path.Combine(directory, "testbed.env");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException(
                $"The test bed is not up ({file} is missing). Run `sudo scripts/testbed.sh up` first, or use scripts/test.sh.");
        }

        return new TestBed(File.ReadAllLines(file)
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]));
    }
}

public sealed record Server(string Name, string Host, int SshPort, int HttpPort);
