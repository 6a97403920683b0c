using System.Text.Json;
using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Tests.Conformance;

public sealed class DotenvConformanceTests
{
    private const string Cases = "dotenv/cases.json";

    /// <summary>
    /// Where this tool deliberately differs from compose's message: compose quotes the whole offending
    /// line, value included; our errors never carry a value, so they stop at the '='.
    /// </summary>
    private static readonly Dictionary<string, string> WithheldValue = new(StringComparer.Ordinal)
    {
        ["inline-073"] = "=foo",
    };

    public static TheoryData<string> CaseIds => ConformanceData.Ids(Cases);

    [ConformanceTheory]
    [MemberData(nameof(CaseIds))]
    public void A_dotenv_file_reads_as_compose_reads_it(string id)
    {
        var testCase = ConformanceData.Case(Cases, id);
        var env = testCase.TryGetProperty("env", out var envElement) ? ConformanceData.ToStringMap(envElement) : [];
        var files = testCase.TryGetProperty("files", out var filesElement)
            ? filesElement.EnumerateArray().Select(file => file.GetString()!).ToList()
            : [testCase.GetProperty("file").GetString()!];
        var read = () => DotenvParser.ParseAll(
            files.Select(file => (file, File.ReadAllText(ConformanceData.PathOf(Path.Combine("dotenv", file))))),
            name => env.TryGetValue(name, out var value) ? value : null);

        var error = testCase.GetProperty("error");
        if (error.ValueKind == JsonValueKind.String)
        {
            var expected = error.GetString()!;
            if (WithheldValue.TryGetValue(id, out var withheld))
            {
                expected = expected.Replace(withheld, "", StringComparison.Ordinal);
            }

            var thrown = Assert.Throws<DotenvException>(() => read());
            Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
            return;
        }

        var actual = read();
        var expectedValues = ConformanceData.ToStringMap(testCase.GetProperty("expected"));
        if (testCase.GetProperty("exact").GetBoolean())
        {
            Assert.Equal(expectedValues.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        else
        {
            foreach (var (key, value) in expectedValues)
            {
                Assert.True(actual.TryGetValue(key, out var got), $"missing key {key}");
                Assert.Equal(value, got);
            }
        }
    }
}
