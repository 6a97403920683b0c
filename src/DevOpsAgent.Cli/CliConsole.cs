using Spectre.Console;

namespace DevOpsAgent.Cli;

/// <summary>Where a command writes: the real console in the program, string writers in tests.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>Where a message given as <c>-</c> is read from.</summary>
    public TextReader In { get; init; } = Console.In;

    /// <summary>True when stdout is a terminal and colours are welcome (NO_COLOR is honoured).</summary>
    public bool Interactive { get; init; } =
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Spectre.Console over <see cref="Out"/>: colours on a terminal, plain text otherwise.</summary>
    public IAnsiConsole Ansi()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Out),
        });

        // Redirected output is read by programs and logs: never wrap it at an imagined terminal width.
        if (!Interactive)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }
}
