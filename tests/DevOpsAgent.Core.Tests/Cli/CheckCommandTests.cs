using System.Text.Json;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Tests.Conformance;

namespace DevOpsAgent.Core.Tests.Cli;

public sealed class CheckCommandTests
{
    private static readonly string FixtureRoot = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public async Task A_flawed_project_yields_exactly_the_expected_findings()
    {
        using var project = CopyFixture("flawed-project");
        project.Git("add", "-A");
        project.Git("add", "-f", ".env");

        var schema = ConformanceData.Root is null ? [] : new[] { "--compose-schema", ConformanceData.PathOf("compose-spec.json") };
        var (code, output, _) = await project.RunAsync(["check", "--json", .. schema]);

        Assert.Equal(ExitCodes.CheckFailed, code);
        List<string> expected =
        [
            ".env:0 warning env-committed",
            "backend/alembic/versions/0001_init.py:9 error migration-no-downgrade",
            "backend/app/settings.py:3 error secret-high-entropy",
            "backend/app/settings.py:5 error env-example-missing",
            "docker-compose.prod.yml:2 error compose-prod-restart",
            "docker-compose.prod.yml:5 error compose-prod-published-port",
            "docker-compose.prod.yml:7 error compose-prod-code-mount",
            "docker-compose.yml:2 error compose-db-volume",
            "docker-compose.yml:2 error compose-healthcheck",
            "docker-compose.yml:5 error compose-literal-secret",
            "docker-compose.yml:12 error compose-literal-secret",
            "docker-compose.yml:12 error secret-url-credentials",
            "docker-compose.yml:13 error env-example-missing",
            "docker-compose.yml:15 error compose-depends-on-healthy",
        ];
        if (ConformanceData.Root is not null)
        {
            expected.Add("docker-compose.yml:19 error compose-schema");
        }

        Assert.Equal(expected, Summaries(output));
        Assert.DoesNotContain("9fK2mQ7xL4pR8vT1wZ6yB3nH5jD0sA", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", output, StringComparison.Ordinal);
    }

    [ReferenceStackFact]
    public async Task The_reference_stack_passes_check_with_no_findings()
    {
        var reference = ReferenceStack()!;

        using var project = new TempProject();
        foreach (var file in Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("node_modules", StringComparison.Ordinal)))
        {
            project.Write(Path.GetRelativePath(reference, file), File.ReadAllText(file));
        }

        project.Git("add", "-A");
        var schema = ConformanceData.Root is null ? [] : new[] { "--compose-schema", ConformanceData.PathOf("compose-spec.json") };
        var (code, output, error) = await project.RunAsync(["check", .. schema]);

        Assert.True(code == ExitCodes.Success, output + error);
    }

    /// <summary>examples/fullstack of this repository, found by walking up from the test binaries.</summary>
    internal static string? ReferenceStack()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "examples", "fullstack");
            if (File.Exists(Path.Combine(candidate, "docker-compose.yml")))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static TempProject CopyFixture(string name)
    {
        var project = new TempProject();
        var source = Path.Combine(FixtureRoot, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace("dot-env", ".env", StringComparison.Ordinal);
            project.Write(relative, File.ReadAllText(file));
        }

        return project;
    }

    internal static List<string> Summaries(string json) =>
    [
        .. JsonDocument.Parse(json).RootElement.GetProperty("findings").EnumerateArray().Select(f =>
            $"{f.GetProperty("file").GetString()}:{f.GetProperty("line").GetInt32()} {f.GetProperty("severity").GetString()} {f.GetProperty("rule").GetString()}"),
    ];
}

/// <summary>Skipped, with the reason, until examples/fullstack (the reference stack) exists in the repository.</summary>
public sealed class ReferenceStackFactAttribute : FactAttribute
{
    public ReferenceStackFactAttribute()
    {
        if (CheckCommandTests.ReferenceStack() is null)
        {
            Skip = "examples/fullstack/docker-compose.yml is not in this checkout yet";
        }
    }
}
