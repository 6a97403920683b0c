using System.Diagnostics;
using System.Globalization;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Health;
using Spectre.Console;

namespace DevOpsAgent.Cli.Output;

/// <summary>
/// Progress of a deploy as lines with elapsed times: coloured on a terminal, plain when redirected or with
/// NO_COLOR, silent under --json (the JSON report says it all at the end).
/// </summary>
public sealed class ConsoleDeployObserver(CliConsole console, bool verbose, bool silent) : IDeployObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IAnsiConsole _out = console.Ansi();

    public void StepStarted(string step)
    {
        if (verbose && !silent)
        {
            Write($"{Elapsed()} … {Markup.Escape(step)}");
        }
    }

    public void StepFinished(StepRecord step)
    {
        if (silent)
        {
            return;
        }

        var mark = step.Outcome == StepOutcome.Succeeded ? "[green]ok  [/]" : "[red]FAIL[/]";
        var detail = step.Detail.Length > 0 ? $": {step.Detail}" : "";
        Write($"{Elapsed()} {mark} {Markup.Escape($"{step.Name} ({Seconds(step.Duration)}){detail}")}");
    }

    public void CheckReported(CheckResult check)
    {
        if (silent)
        {
            return;
        }

        var mark = check.Passed ? "[green]pass[/]" : check.Name == "logs" ? "[yellow]FAIL[/]" : "[red]FAIL[/]";
        Write($"           {mark} {Markup.Escape($"{check.Name}: {check.Detail}")}");
        foreach (var line in check.Evidence)
        {
            Write($"                  [grey]{Markup.Escape(line)}[/]");
        }
    }

    public void Output(string line)
    {
        if (verbose && !silent)
        {
            Write($"           [grey]| {Markup.Escape(line)}[/]");
        }
    }

    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private string Elapsed() => Markup.Escape($"[{Seconds(_clock.Elapsed),7}]");

    private void Write(string markup)
    {
        lock (_out)
        {
            _out.MarkupLine(markup);
        }
    }
}
