namespace DevOpsAgent.Core.Operations;

/// <summary>The one format of operation ids (history rows, locks, journals): <c>20250131100000-staging-rollback-1a2b3c</c>.</summary>
public static class OperationId
{
    /// <summary>A new id; a plain deploy leaves the action out (<c>20250131100000-staging-1a2b3c</c>), as ids always did.</summary>
    public static string New(DateTimeOffset now, string environment, string action) =>
        $"{now.UtcDateTime:yyyyMMddHHmmss}-{environment}-{(action == "deploy" ? "" : action.Replace(' ', '-') + "-")}{Guid.NewGuid().ToString("N")[..6]}";
}
