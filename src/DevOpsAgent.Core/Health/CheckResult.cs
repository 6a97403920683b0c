namespace DevOpsAgent.Core.Health;

/// <summary>The result of one named health check.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail)
{
    /// <summary>Log lines that explain a failure, shown with it.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Whether a failure fails the deploy; a non-blocking failure is a warning.</summary>
    public bool Blocking { get; init; } = true;

    public string Verdict => Passed ? "passed" : Blocking ? "FAILED" : "warning";

    public override string ToString() => $"{Name}: {Verdict} — {Detail}";
}

/// <summary>All checks of one verification, and whether the deploy may count as healthy.</summary>
public sealed record HealthReport(IReadOnlyList<CheckResult> Checks)
{
    public bool Healthy => Checks.All(c => c.Passed || !c.Blocking);

    public IEnumerable<CheckResult> Warnings => Checks.Where(c => !c.Passed && !c.Blocking);

    public string Summary => string.Join("\n", Checks.Select(c => c.ToString()));

    public CheckResult? FirstFailure => Checks.FirstOrDefault(c => !c.Passed && c.Blocking);
}
