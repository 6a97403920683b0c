namespace DevOpsAgent.Cli;

/// <summary>Where a command writes: the real console in the program, string writers in tests.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>True when stdout is a terminal and colours are welcome (NO_COLOR is honoured).</summary>
    public bool Interactive { get; init; } =
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
