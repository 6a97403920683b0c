using System.Text;

namespace DevOpsAgent.Infrastructure.Execution;

internal static class OutputLines
{
    /// <summary>Reads a command's output to the end, passing each line on as it arrives.</summary>
    public static async Task<string> CollectAsync(TextReader reader, Action<string>? onOutput)
    {
        var all = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            all.Append(line).Append('\n');
            onOutput?.Invoke(line);
        }

        return all.ToString();
    }
}
