using System.Text.Json;

namespace DevOpsAgent.Core.Tests.Conformance;

/// <summary>
/// The shared conformance data (compose's own test cases) lives beside the repository, in
/// <c>../shared/conformance</c>: CI has it, a developer's clone may not. It is never copied into the repo.
/// </summary>
public static class ConformanceData
{
    public const string MissingReason =
        "shared/conformance not found beside the repository (CI provides ../shared/conformance); conformance cases skipped.";

    public static string? Root { get; } = Locate();

    public static string PathOf(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException(MissingReason), relative);

    public static JsonElement Load(string relative)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(relative)));
        return document.RootElement.Clone();
    }

    /// <summary>Ids of the cases in a JSON array (or in its <c>cases</c> property), one theory row each.</summary>
    public static TheoryData<string> Ids(string relative, string idProperty = "id")
    {
        var data = new TheoryData<string>();
        if (Root is null)
        {
            return data;
        }

        var cases = Load(relative);
        if (cases.ValueKind == JsonValueKind.Object)
        {
            cases = cases.GetProperty("cases");
        }

        foreach (var item in cases.EnumerateArray())
        {
            data.Add(item.GetProperty(idProperty).GetString()!);
        }

        return data;
    }

    public static JsonElement Case(string relative, string id, string idProperty = "id")
    {
        var cases = Load(relative);
        if (cases.ValueKind == JsonValueKind.Object)
        {
            cases = cases.GetProperty("cases");
        }

        return cases.EnumerateArray().Single(item => item.GetProperty(idProperty).GetString() == id);
    }

    /// <summary>A JSON value as the tree the interpolators walk: dictionaries, lists, strings and scalars.</summary>
    public static object? ToTree(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject()
            .ToDictionary(property => property.Name, property => ToTree(property.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(ToTree).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null => null,
        _ => element.GetRawText(),
    };

    public static Dictionary<string, string> ToStringMap(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : [];

    private static string? Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "shared", "conformance");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A theory over shared conformance cases; skipped, with the reason, when the data is absent.</summary>
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute()
    {
        if (ConformanceData.Root is null)
        {
            Skip = ConformanceData.MissingReason;
        }
    }
}

/// <summary>A fact that needs the shared conformance data; skipped, with the reason, when it is absent.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceData.Root is null)
        {
            Skip = ConformanceData.MissingReason;
        }
    }
}
