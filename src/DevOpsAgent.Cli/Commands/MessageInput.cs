using System.CommandLine;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Infrastructure.Configuration;

namespace DevOpsAgent.Cli.Commands;

/// <summary>Where an Orchestrator message comes from: the argument, stdin (<c>-</c>), or a file (<c>--file</c>).</summary>
internal static class MessageInput
{
    private const int MaxBytes = 64 * 1024;

    public static Argument<string?> Argument()
    {
        var argument = new Argument<string?>("message")
        {
            Description = "The Orchestrator's message, e.g. \"DevOps Agent [EXECUTE TASK-045]: Deploy feature to staging\"; '-' reads it from stdin.",
            Arity = ArgumentArity.ZeroOrOne,
        };

        // The parser hands a token it does not know to the message argument; a message never starts with '-'
        // ('-' alone is stdin). The root's argument before a verb is caught in CliApp (the parser does not
        // validate a parent command's arguments).
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is { Length: > 1 } value && value.StartsWith('-'))
            {
                result.AddError($"Unrecognized option '{value}'.");
            }
        });
        return argument;
    }

    public static Option<FileInfo?> FileOption() => new("--file") { Description = "Read the message from this file." };

    public static async Task<string> ReadAsync(ParseResult parseResult, Argument<string?> argument, Option<FileInfo?> file, CliConsole console, CancellationToken cancellationToken)
    {
        var text = parseResult.GetValue(argument);
        var path = parseResult.GetValue(file);
        if (text is not null && path is not null)
        {
            throw new DevOpsAgentException("Give the message as an argument or with --file, not both.", ExitCodes.Usage);
        }

        if (path is not null)
        {
            if (LocalFiles.NotAFile(path.FullName) is { } problem)
            {
                throw new InvalidInputException($"Message file {InputText.Quote(path.FullName)}: {problem}");
            }

            // Bounded however the file reports its size: /dev/zero and devices say 0 and never end.
            var bytes = await LocalFiles.ReadBoundedAsync(path.FullName, MaxBytes, cancellationToken)
                ?? throw new InvalidInputException($"Message file {InputText.Quote(path.FullName)} is larger than {MaxBytes / 1024} KiB.");
            var (content, line, why) = StrictText.Decode(bytes);
            return content ?? throw new InvalidInputException($"Message file {InputText.Quote(path.FullName)}: line {line}: {why}");
        }

        return text switch
        {
            null => throw new DevOpsAgentException("No message: give it as an argument, '-' for stdin, or --file <path>.", ExitCodes.Usage),
            "-" => await ReadStdinAsync(console.In, cancellationToken),
            _ => text,
        };
    }

    private static async Task<string> ReadStdinAsync(TextReader input, CancellationToken cancellationToken)
    {
        var buffer = new char[MaxBytes + 1];
        var read = 0;
        int chunk;
        while (read < buffer.Length && (chunk = await input.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += chunk;
        }

        return read > MaxBytes ? throw new InvalidInputException($"The message on stdin is larger than {MaxBytes / 1024} KiB.") : new string(buffer, 0, read);
    }
}
