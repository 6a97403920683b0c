using System.Net.Sockets;
using DevOpsAgent.Cli;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;
using Microsoft.Data.Sqlite;
using Renci.SshNet.Common;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>The one mapping from exceptions to exit codes and lines, and the paths into it that are not input mistakes.</summary>
public sealed class ErrorBoundaryTests
{
    [Fact]
    public void An_unexpected_exception_is_exit_1_with_its_type_and_a_hint_and_no_stack_trace()
    {
        var mapped = ErrorBoundary.Map(new InvalidOperationException("the index was out of step"));

        Assert.Equal(ExitCodes.InternalError, mapped.ExitCode);
        Assert.Equal("unexpected InvalidOperationException: the index was out of step (rerun with --verbose for the stack trace, and report it)", mapped.Message);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_one_line()
    {
        var error = new StringWriter();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException caught)
        {
            thrown = caught;
        }

        var code = await ErrorBoundary.WriteAsync(new CliConsole(TextWriter.Null, error), thrown, verbose: true, historyPath: null);

        Assert.Equal(ExitCodes.InternalError, code);
        Assert.StartsWith("error: unexpected InvalidOperationException: boom", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("   at ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Network_and_SSH_failures_are_ConnectionFailed()
    {
        Assert.All(new Exception[] { new SocketException(111), new SshConnectionException("reset"), new SshOperationTimeoutException("slow"), new SshAuthenticationException("no key") },
            e => Assert.Equal(ExitCodes.ConnectionFailed, ErrorBoundary.Map(e).ExitCode));
    }

    [Fact]
    public void A_history_database_that_SQLite_refuses_is_named_in_one_line()
    {
        var mapped = ErrorBoundary.Map(new SqliteException("SQLite Error 26: 'file is not a database'.", 26), "/home/me/history.db");

        Assert.Equal(ExitCodes.InvalidConfiguration, mapped.ExitCode);
        Assert.Contains("/home/me/history.db", mapped.Message, StringComparison.Ordinal);
        Assert.Contains("file is not a database", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_file_problems_are_input_errors_naming_the_path()
    {
        Assert.Equal((ExitCodes.InvalidInput, "local file not found: /x/y"), (ErrorBoundary.Map(new FileNotFoundException("gone", "/x/y")).ExitCode, ErrorBoundary.Map(new FileNotFoundException("gone", "/x/y")).Message));
        Assert.Equal(ExitCodes.InvalidInput, ErrorBoundary.Map(new UnauthorizedAccessException("Access to the path '/root/x' is denied.")).ExitCode);
        Assert.Equal(ExitCodes.InvalidInput, ErrorBoundary.Map(new DirectoryNotFoundException("Could not find a part of the path '/missing'.")).ExitCode);
    }

    [Fact]
    public void Cancellation_is_exit_130()
    {
        Assert.Equal(ExitCodes.Cancelled, ErrorBoundary.Map(new OperationCanceledException()).ExitCode);
        Assert.Equal(ExitCodes.Cancelled, ErrorBoundary.Map(new TaskCanceledException()).ExitCode);
    }

    [Fact]
    public async Task Ctrl_C_during_a_command_still_exits_130()
    {
        using var world = new HostileWorld();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var error = new StringWriter();

        var code = await CliApp.RunAsync(["check", "-C", world.Project], new CliConsole(TextWriter.Null, error) { Interactive = false }, cancelled.Token);

        Assert.Equal((ExitCodes.Cancelled, "error: cancelled"), (code, error.ToString().Trim()));
    }

    [Fact]
    public void A_message_is_redacted_escaped_and_capped()
    {
        var mapped = ErrorBoundary.Map(new InvalidInputException($"bad value SECRET_KEY=hunter2-canary \u202Egnp.exe\n{new string('x', 3_000_000)}"));

        Assert.DoesNotContain("hunter2-canary", mapped.Message, StringComparison.Ordinal);
        Assert.Contains("\\u{202E}gnp.exe\\n", mapped.Message, StringComparison.Ordinal);
        Assert.True(mapped.Message.Length < InputText.LineLength + 100, $"{mapped.Message.Length} characters");
    }

    [Fact]
    public async Task Env_check_stays_linear_with_80000_keys()
    {
        var keys = Enumerable.Range(0, 80_000).Select(i => $"KEY_{i}").ToList();
        var example = DotenvParser.Parse(string.Concat(keys.Select(k => $"{k}=placeholder\n")), ".env.example");
        var env = DotenvParser.Parse(string.Concat(keys.Skip(1).Select(k => $"{k}=value-{k}\n")) + "EXTRA=1\n", ".env");

        // A blow-up guard (the quadratic version took 20 s), not a speed measurement.
        var run = Task.Run(() => EnvCheck.Run(env, example, GitFacts.None));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) == run, "env check did not finish: quadratic again?");

        var findings = await run;
        Assert.Contains(findings, f => f.RuleId == "env-missing-key" && f.Message.StartsWith("KEY_0 ", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.RuleId == "env-extra-key" && f.Message.StartsWith("EXTRA ", StringComparison.Ordinal));
    }
}
