using System.Reflection;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>
/// The acceptance test of issue 9: every hostile input in <see cref="HostileCases"/> driven through the CLI's
/// entry point in process. Each must end with exactly one line on stderr starting <c>error:</c>, no stack trace,
/// an exit code from the documented table (never 134, never InternalError for a user's mistake), nothing
/// printed on stdout, and nothing changed: no history database, no app folder (the servers are 127.0.0.1 port 1,
/// so a case that got as far as connecting would exit ConnectionFailed instead), no file of the world touched.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    /// <summary>
    /// A hang and blow-up guard, not a timing assertion: an anchor bomb, a quadratic parser or an unbounded read
    /// takes minutes or gigabytes, every sane refusal takes milliseconds.
    /// </summary>
    // A hang guard, not a speed goal: generous enough for a loaded two-core CI machine.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    private static readonly HashSet<int> Documented =
        [.. typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetValue(null)!)];

    /// <summary>One untimed run of each kind of refusal first, so the budget never pays for loading and compiling code.</summary>
    private static readonly Lazy<Task> WarmUp = new(async () =>
    {
        using var world = new HostileWorld();
        string[][] kinds = [["history", "--limit", "0"], ["deplyo"], ["env", "frobnicate"], ["status", "staging", "--config", "/dev/null"],
            ["execute", ""], ["deploy", "staging", "--ref", "a;b"], ["env", "push", "staging", "-C", world.Project, "--env-file", "/etc/passwd"]];
        foreach (var kind in kinds)
        {
            await world.RunAsync(kind, TimeSpan.FromMinutes(1));
        }
    });

    private readonly HostileWorld _world = new();

    [Fact]
    public void There_are_more_than_150_cases_and_none_expects_a_bug_or_success()
    {
        Assert.True(HostileCases.All.Count >= 150, $"{HostileCases.All.Count} cases");
        Assert.All(HostileCases.All.Values, c => Assert.True(c.ExpectedExitCode is not (ExitCodes.Success or ExitCodes.InternalError), c.Name));
        var readme = File.ReadAllText(RepoFiles.Path("README.md"));
        Assert.All(Documented, code => Assert.Contains($"| {code} |", readme, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HostileCases.Names), MemberType = typeof(HostileCases))]
    public async Task A_hostile_input_is_refused_in_one_line_with_its_exit_code_and_nothing_changes(string name)
    {
        var hostile = HostileCases.All[name];
        await WarmUp.Value;
        foreach (var (path, content) in hostile.Files)
        {
            _world.Write(path, content);
        }

        foreach (var (path, target) in hostile.Links)
        {
            _world.Link(path, target);
        }

        var before = _world.Snapshot();

        var run = await _world.RunAsync(hostile.Arguments, Budget);

        Assert.True(run.ExitCode is not null, $"{name}: did not finish within {Budget.TotalSeconds} s (hang or blow-up)");
        Assert.True(Documented.Contains(run.ExitCode!.Value), $"{name}: exit {run.ExitCode} is not documented");
        Assert.True(run.ExitCode == hostile.ExpectedExitCode, $"{name}: exit {run.ExitCode}, expected {hostile.ExpectedExitCode}: {Head(run.Error)}");
        var lines = run.Error.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"{name}: {lines.Length} lines on stderr: {Head(run.Error)}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Length <= InputText.LineLength + 100, $"{name}: an error line of {lines[0].Length} characters");
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-", run.Error, StringComparison.Ordinal);
        Assert.False(lines[0].Any(InputText.IsHidden), $"{name}: a control, bidi or zero-width character reached the terminal: {Head(run.Error)}");
        Assert.True(run.Out.Length == 0, $"{name}: printed on stdout: {Head(run.Out)}");
        Assert.False(File.Exists(_world.HistoryFile), $"{name}: the history database was created");
        Assert.False(Directory.Exists(_world.App), $"{name}: the app folder was created");
        Assert.Equal(before, _world.Snapshot());
    }

    private static string Head(string text) => text.Length > 300 ? text[..300] + "…" : text;

    public void Dispose() => _world.Dispose();
}
