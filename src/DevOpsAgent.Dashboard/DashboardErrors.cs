using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Dashboard;

public static class DashboardErrors
{
    /// <summary>Our own errors say what happened in one line; anything else is a bug, and its details stay off the page.</summary>
    public static string OneLine(Exception error) => error switch
    {
        DevOpsAgentException known => FirstLine(known.Message),
        OperationCanceledException => "cancelled",
        _ => $"internal error ({error.GetType().Name}); run the CLI with --verbose for details",
    };

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
