using System.Collections.Concurrent;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Migrations;
using DevOpsAgent.Core.Shell;
using DevOpsAgent.Core.Tests.Protocol;

namespace DevOpsAgent.Core.Tests.Fleet;

/// <summary>What the hosts of one test share: a clock of commands across hosts and the fleet's concurrency.</summary>
public sealed class FleetProbe
{
    private readonly Lock _gate = new();
    private long _sequence;
    private int _deploying;
    private int _building;
    private int _departed;
    private List<TaskCompletionSource> _waiting = [];

    /// <summary>How many non-canary hosts the build rendezvous waits for in all.</summary>
    public int Expected { get; init; }

    /// <summary>The build rendezvous: a host's build waits until this many hosts build at once (fewer at the end).</summary>
    public int Rendezvous { get; init; } = 1;

    public int MaxDeploying { get; private set; }

    public int MaxBuilding { get; private set; }

    /// <summary>The one database every host's alembic talks to: a1 (the serving release's), a2 once upgraded.</summary>
    public string Revision { get; set; } = "a1";

    public long Next() => Interlocked.Increment(ref _sequence);

    /// <summary>alembic against the shared database; null for any other command.</summary>
    public string? Alembic(string text)
    {
        lock (_gate)
        {
            var separator = AlembicCommands.InspectSeparator;
            if (text.Contains("alembic upgrade", StringComparison.Ordinal) && text.Contains(separator, StringComparison.Ordinal))
            {
                Revision = "a2";
                return $"{separator}\n{Revision}\n";
            }

            if (text.Contains("alembic downgrade", StringComparison.Ordinal) && text.Contains(separator, StringComparison.Ordinal))
            {
                Revision = "a1";
                return $"{separator}\n{Revision}\n";
            }

            if (text.Contains(separator, StringComparison.Ordinal))
            {
                return $"{Revision}\n{separator}\na2 (head)\n{separator}\na1 -> a2 (head), add column\n<base> -> a1, init\n";
            }

            if (text.Contains("alembic current", StringComparison.Ordinal))
            {
                return Revision + "\n";
            }

            if (text.Contains("alembic heads", StringComparison.Ordinal))
            {
                return "a2 (head)\n";
            }

            if (text.Contains("alembic history", StringComparison.Ordinal))
            {
                return "a1 -> a2 (head), add column\n<base> -> a1, init\n";
            }

            if (text.Contains("alembic upgrade", StringComparison.Ordinal))
            {
                Revision = "a2";
                return "";
            }

            if (text.Contains("alembic downgrade", StringComparison.Ordinal))
            {
                Revision = "a1";
                return "";
            }

            return null;
        }
    }

    public void DeployStarted()
    {
        lock (_gate)
        {
            MaxDeploying = Math.Max(MaxDeploying, ++_deploying);
        }
    }

    public void DeployEnded()
    {
        lock (_gate)
        {
            _deploying--;
        }
    }

    /// <summary>
    /// Holds a build until <see cref="Rendezvous"/> hosts build together (or all that are left), so a test sees the
    /// hosts overlap without sleeping; a fleet that runs them one by one never meets and the test times out.
    /// </summary>
    public async Task BuildAsync(CancellationToken ct)
    {
        TaskCompletionSource mine = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            MaxBuilding = Math.Max(MaxBuilding, ++_building);
            _waiting.Add(mine);
            if (_building >= Math.Min(Rendezvous, Expected - _departed))
            {
                _waiting.ForEach(w => w.TrySetResult());
                _waiting = [];
            }
        }

        try
        {
            await mine.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        finally
        {
            lock (_gate)
            {
                _building--;
                _departed++;
            }
        }
    }
}

/// <summary>
/// One host of a fleet: a <see cref="RecordingCommandRunner"/> scripted as a healthy server serving
/// <see cref="ProtocolFakes.Previous"/>, which remembers the release the deploy records (so a rollback finds it).
/// </summary>
public sealed class FakeHost : ICommandRunner
{
    private readonly FleetProbe _probe;
    private readonly ConcurrentQueue<(long Sequence, string Text)> _log = new();
    private ServerRelease _serving = new("staging", "v1.0.0", ProtocolFakes.Previous, "v1.0.0", DateTimeOffset.UnixEpoch, "alice", null, "d1") { Revision = "a1" };
    private readonly List<ServerRelease> _releases = [];
    private readonly bool _canary;

    public FakeHost(HostConfig host, FleetProbe probe, bool canary = false)
    {
        Host = host;
        _probe = probe;
        _canary = canary;
        _releases.Add(_serving);
        Recording = new RecordingCommandRunner(host.Name).AppendRulesFrom(ProtocolFakes.HealthyServer());
    }

    public HostConfig Host { get; }

    public RecordingCommandRunner Recording { get; }

    public string Target => Host.Name;

    /// <summary>A fragment whose command fails on this host (exit 1), the first time it runs.</summary>
    public string? FailOn { get; set; }

    /// <summary>Told each command before it runs (a test cancels from here).</summary>
    public Action<string>? OnCommand { get; set; }

    /// <summary>Awaited before each command runs: a test holds a host at a command until another host got somewhere.</summary>
    public Func<string, Task>? BeforeCommand { get; set; }

    public IReadOnlyList<(long Sequence, string Text)> Log => [.. _log];

    public IReadOnlyList<string> Texts => [.. _log.Select(l => l.Text)];

    public bool Ran(string fragment) => _log.Any(l => l.Text.Contains(fragment, StringComparison.Ordinal));

    public int Count(string fragment) => _log.Count(l => l.Text.Contains(fragment, StringComparison.Ordinal));

    public async Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken, Action<string>? onOutput = null)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        var text = command.Text;
        _log.Enqueue((_probe.Next(), text));
        OnCommand?.Invoke(text);
        if (BeforeCommand is { } hold)
        {
            await hold(text).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        var hostLock = text.Contains("/var/www/shop/.devops-agent/lock", StringComparison.Ordinal);
        if (hostLock && text.Contains("if mkdir", StringComparison.Ordinal))
        {
            _probe.DeployStarted();
        }

        if (hostLock && text.Contains("rm -rf", StringComparison.Ordinal))
        {
            _probe.DeployEnded();
        }

        if (FailOn is { } fragment && text.Contains(fragment, StringComparison.Ordinal))
        {
            FailOn = null;
            return new CommandResult(command, 1, "", $"ERROR: {fragment} failed on {Host.Host}", TimeSpan.Zero);
        }

        if (text.EndsWith(" build", StringComparison.Ordinal) && !_canary)
        {
            await _probe.BuildAsync(cancellationToken);
        }

        if (_probe.Alembic(text) is { } alembic)
        {
            return new CommandResult(command, 0, alembic, "", TimeSpan.Zero);
        }

        lock (_releases)
        {
            if (text.Contains("release.json.tmp", StringComparison.Ordinal))
            {
                _serving = ServerRelease.Parse(text.Split('\'')[3])!;
                _releases.Add(_serving);
            }

            if (text.StartsWith("cat /var/www/shop/.devops-agent/release.json", StringComparison.Ordinal))
            {
                return new CommandResult(command, 0, System.Text.Json.JsonSerializer.Serialize(_serving, ServerFiles.Json) + "\n", "", TimeSpan.Zero);
            }

            if (text.StartsWith("cat /var/www/shop/.devops-agent/releases.jsonl", StringComparison.Ordinal))
            {
                return new CommandResult(command, 0, string.Concat(_releases.Select(r => System.Text.Json.JsonSerializer.Serialize(r, ServerFiles.Json) + "\n")), "", TimeSpan.Zero);
            }
        }

        return await Recording.RunAsync(command, cancellationToken, onOutput);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
