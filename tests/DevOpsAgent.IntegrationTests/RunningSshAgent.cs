using System.Diagnostics;

namespace DevOpsAgent.IntegrationTests;

/// <summary>
/// A real OpenSSH ssh-agent on a socket of its own, for one test: keys are added with ssh-add, and the agent is
/// killed (by its own process) and its folder removed on dispose. Nothing reads or changes $SSH_AUTH_SOCK.
/// </summary>
public sealed class RunningSshAgent : IDisposable
{
    private readonly Process _agent;

    public RunningSshAgent()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("devops-agent-ssh-agent-").FullName;
        Socket = Path.Combine(Directory, "agent.sock");
        var start = new ProcessStartInfo("ssh-agent") { RedirectStandardOutput = true, RedirectStandardError = true };
        // A key added with -c then needs a confirmation that is always refused, whatever the machine has installed.
        start.Environment["SSH_ASKPASS"] = "/bin/false";
        start.Environment["SSH_ASKPASS_REQUIRE"] = "force";
        foreach (var argument in (string[])["-D", "-a", Socket])
        {
            start.ArgumentList.Add(argument);
        }

        _agent = Process.Start(start)!;
        // -D keeps it in the foreground; it prints its variables once the socket listens.
        var announcement = _agent.StandardOutput.ReadLine();
        if (announcement is null || !File.Exists(Socket))
        {
            Dispose();
            throw new InvalidOperationException($"ssh-agent did not start: {_agent.StandardError.ReadToEnd()}");
        }
    }

    public string Directory { get; }

    public string Socket { get; }

    public void Add(string keyFile) => Run("ssh-add", "-q", keyFile);

    /// <summary>ssh-add -c: every signature needs a confirmation, which this agent refuses.</summary>
    public void AddNeedingConfirmation(string keyFile) => Run("ssh-add", "-q", "-c", keyFile);

    /// <summary>A new key without passphrase in the agent's folder; returns its private key file (the .pub is beside it).</summary>
    public string GenerateKey(string type, int bits, string comment)
    {
        var file = Path.Combine(Directory, $"id_{type}_{bits}");
        Run("ssh-keygen", "-q", "-t", type, "-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture), "-N", "", "-C", comment, "-f", file);
        return file;
    }

    private void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SSH_AUTH_SOCK"] = Socket;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error.Result}");
        }
    }

    public void Dispose()
    {
        if (!_agent.HasExited)
        {
            _agent.Kill();
            _agent.WaitForExit();
        }

        _agent.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
