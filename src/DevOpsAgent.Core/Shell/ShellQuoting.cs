namespace DevOpsAgent.Core.Shell;

public static class ShellQuoting
{
    /// <summary>
    /// Quotes a word for a POSIX shell. Words made only of characters no shell treats specially stay bare,
    /// so command lines read naturally; anything else is single-quoted, with embedded quotes as '\''.
    /// </summary>
    public static string Quote(string word)
    {
        if (word.Length == 0)
        {
            return "''";
        }

        return word.All(IsSafe) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static bool IsVariableName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '@' or '%' or '+' or ',' or '=';
}
