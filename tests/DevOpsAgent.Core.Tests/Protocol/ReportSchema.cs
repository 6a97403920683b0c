using System.Text.Json;
using DevOpsAgent.Core.Protocol;
using Json.Schema;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>docs/report.schema.json, the contract every produced report is checked against.</summary>
public static class ReportSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepoFiles.Path("docs/report.schema.json"))));

    public static void AssertValid(ExecutionReport report) => AssertValid(report.ToJson());

    public static void AssertValid(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, string.Join("; ", errors) + "\n" + json);
    }
}
