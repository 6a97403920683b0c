using DevOpsAgent.Core.Deploy;

namespace DevOpsAgent.Core.History;

/// <summary>What an import did: records and steps copied, and those already there (kept as they were).</summary>
public sealed record HistoryImportResult(int ImportedRecords, int ImportedSteps, int SkippedRecords, int SkippedSteps);

/// <summary>
/// Copies every record of one history into another, keeping ids. A record whose id the target already has is
/// skipped, never overwritten, so importing the same file twice adds nothing the second time.
/// </summary>
public static class HistoryImport
{
    public static async Task<HistoryImportResult> RunAsync(IDeployHistory source, IDeployHistory target, CancellationToken cancellationToken)
    {
        var records = await source.ListAsync(null, int.MaxValue, cancellationToken);
        int importedRecords = 0, importedSteps = 0, skippedRecords = 0, skippedSteps = 0;
        // Oldest first, so the target's insertion order (its tie-break for equal start times) matches the source's.
        foreach (var record in records.Reverse())
        {
            if (await target.GetAsync(record.Id, cancellationToken) is not null)
            {
                skippedRecords++;
                skippedSteps += record.Steps.Count;
                continue;
            }

            await target.SaveAsync(record, cancellationToken);
            importedRecords++;
            importedSteps += record.Steps.Count;
        }

        return new HistoryImportResult(importedRecords, importedSteps, skippedRecords, skippedSteps);
    }
}
