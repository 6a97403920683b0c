using System.Text.Json;
using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Tests.Conformance;

public sealed class InterpolationConformanceTests
{
    private const string Cases = "interpolation/cases.json";
    private const string Trees = "interpolation/tree-cases.json";
    private const string Extract = "interpolation/extract-variables.json";

    public static TheoryData<string> CaseIds => ConformanceData.Ids(Cases);

    public static TheoryData<string> TreeIds => ConformanceData.Ids(Trees);

    public static TheoryData<string> ExtractNames => ConformanceData.Ids(Extract, "name");

    [ConformanceTheory]
    [MemberData(nameof(CaseIds))]
    public void A_template_substitutes_as_compose_substitutes_it(string id)
    {
        var testCase = ConformanceData.Case(Cases, id);
        var environment = ConformanceData.ToStringMap(testCase.GetProperty("environment"));
        var substitute = () => Interpolator.Substitute(
            testCase.GetProperty("input").GetString()!, name => environment.TryGetValue(name, out var value) ? value : null);

        AssertOutcome(testCase, () => substitute());
    }

    [ConformanceTheory]
    [MemberData(nameof(TreeIds))]
    public void A_whole_tree_interpolates_with_path_qualified_errors(string id)
    {
        var testCase = ConformanceData.Case(Trees, id);
        var environment = ConformanceData.ToStringMap(testCase.GetProperty("environment"));
        var tree = ConformanceData.ToTree(testCase.GetProperty("input"));

        AssertOutcome(testCase, () => TreeInterpolator.Interpolate(tree, name => environment.TryGetValue(name, out var value) ? value : null));
    }

    [ConformanceTheory]
    [MemberData(nameof(ExtractNames))]
    public void The_variables_a_tree_references_are_extracted(string name)
    {
        var testCase = ConformanceData.Case(Extract, name, "name");
        var found = TemplateVariables.ExtractFromTree(ConformanceData.ToTree(testCase.GetProperty("input")));

        var expected = testCase.GetProperty("expected").EnumerateObject()
            .Select(p => new TemplateVariable(
                p.Name,
                p.Value.GetProperty("default").GetString()!,
                p.Value.GetProperty("required").GetBoolean(),
                p.Value.TryGetProperty("presence_value", out var presence) ? presence.GetString()! : ""))
            .OrderBy(v => v.Name, StringComparer.Ordinal);
        Assert.Equal(expected, found.Values.OrderBy(v => v.Name, StringComparer.Ordinal));
    }

    private static void AssertOutcome(JsonElement testCase, Func<object?> run)
    {
        var error = testCase.GetProperty("error");
        if (error.ValueKind == JsonValueKind.String)
        {
            var thrown = Assert.Throws<InterpolationException>(run);
            Assert.Contains(error.GetString()!, thrown.Message, StringComparison.Ordinal);
            return;
        }

        var expected = ConformanceData.ToTree(testCase.GetProperty("expected"));
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(run()));
    }
}
