using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Deploy;

/// <summary>What a running deploy tells the person (or program) watching it.</summary>
public interface IDeployObserver
{
    void StepStarted(string step);

    void StepFinished(StepRecord step);

    void CheckReported(CheckResult check);

    /// <summary>A line of command output, for --verbose.</summary>
    void Output(string line);
}
