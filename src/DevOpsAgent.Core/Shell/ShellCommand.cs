using System.Text;

namespace DevOpsAgent.Core.Shell;

/// <summary>
/// A shell command as a value: the exact text a POSIX shell will run. Builders return these and never
/// execute anything; one runner executes them. Every argument is quoted, so no value can become shell.
/// </summary>
public sealed record ShellCommand
{
    private ShellCommand(string text) => Text = text;

    public string Text { get; }

    /// <summary>A program and its arguments, each quoted for a POSIX shell.</summary>
    public static ShellCommand Of(string program, params IEnumerable<string> arguments)
    {
        var text = new StringBuilder(ShellQuoting.Quote(program));
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(ShellQuoting.Quote(argument));
        }

        return new ShellCommand(text.ToString());
    }

    /// <summary>
    /// Shell text written by hand in this codebase (pipes, redirections). Never pass user input here;
    /// interpolate values with <see cref="ShellQuoting.Quote"/>.
    /// </summary>
    public static ShellCommand Raw(string text) => new(text);

    /// <summary>Runs <paramref name="next"/> only when this command succeeds.</summary>
    public ShellCommand And(ShellCommand next) => new($"{Text} && {next.Text}");

    /// <summary>Runs <paramref name="fallback"/> only when this command fails.</summary>
    public ShellCommand Or(ShellCommand fallback) => new($"{Text} || {fallback.Text}");

    public ShellCommand Pipe(ShellCommand next) => new($"{Text} | {next.Text}");

    /// <summary>Runs this command with <paramref name="directory"/> as the working directory.</summary>
    public ShellCommand InDirectory(string directory) => new($"cd {ShellQuoting.Quote(directory)} && {Text}");

    /// <summary>Prefixes environment assignments (names are validated, values quoted).</summary>
    public ShellCommand WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var prefix = new StringBuilder();
        foreach (var (name, value) in variables)
        {
            if (!ShellQuoting.IsVariableName(name))
            {
                throw new ArgumentException($"'{name}' is not a valid environment variable name.", nameof(variables));
            }

            prefix.Append(name).Append('=').Append(ShellQuoting.Quote(value)).Append(' ');
        }

        return new ShellCommand(prefix + Text);
    }

    /// <summary>Groups the command so that it can be combined with others without precedence surprises.</summary>
    public ShellCommand Grouped() => new($"{{ {Text}; }}");

    /// <summary>
    /// Runs the whole command (a <c>cd … &amp;&amp;</c> included) in the background, immune to the session's hang-up,
    /// with all three standard streams away from it: an SSH session ends only once nothing holds its output, so a
    /// background job that kept one (even a subshell for <c>a &amp;&amp; b &amp;</c>) would keep the caller waiting.
    /// </summary>
    public ShellCommand Detached() => new($"nohup sh -c {ShellQuoting.Quote(Text)} </dev/null >/dev/null 2>&1 &");

    public override string ToString() => Text;
}
