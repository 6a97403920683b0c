using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// A .env file that cannot be read: names the file and line, never a value. The message follows compose's
/// wording (<c>.env: line 7: key cannot contain a space</c>).
/// </summary>
public sealed class DotenvException(string file, int line, string reason)
    : DevOpsAgentException($"{file}: line {line}: {reason}", ExitCodes.InvalidInput)
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
