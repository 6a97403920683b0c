namespace DevOpsAgent.Core.Health;

/// <summary>The result of one named health check.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail)
{
    /// <summary>Log lines that explain a failure, shown with it.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    public override string ToString() => $"{Name}: {(Passed ? "passed" : "FAILED")} — {Detail}";
}

/// <summary>All checks of one verification, and whether the deploy may count as healthy.</summary>
public sealed record HealthReport(IReadOnlyList<CheckResult> Checks, bool Healthy)
{
    public string Summary => string.Join("\n", Checks.Select(c => c.ToString()));

    public CheckResult? FirstFailure => Checks.FirstOrDefault(c => !c.Passed);
}
