using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Health;

namespace DevOpsAgent.Core.Fleet;

/// <summary>
/// One host's view of the fleet's observer: every step, check and output line is prefixed with the host, and the
/// hosts, which run in parallel, take turns (the observer behind writes to one console).
/// </summary>
public sealed class HostObserver(IDeployObserver inner, string host, object turn) : IDeployObserver
{
    public void StepStarted(string step)
    {
        lock (turn)
        {
            inner.StepStarted($"{host}: {step}");
        }
    }

    public void StepFinished(StepRecord step)
    {
        lock (turn)
        {
            inner.StepFinished(step with { Name = $"{host}: {step.Name}" });
        }
    }

    public void CheckReported(CheckResult check)
    {
        lock (turn)
        {
            inner.CheckReported(check with { Name = $"{host}: {check.Name}" });
        }
    }

    public void Output(string line)
    {
        lock (turn)
        {
            inner.Output($"{host}: {line}");
        }
    }
}
