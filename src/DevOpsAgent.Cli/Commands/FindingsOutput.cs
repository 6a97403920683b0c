using System.Text.Json;
using System.Text.Json.Serialization;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Cli.Commands;

/// <summary>Prints findings for people or as JSON, and turns them into the exit code.</summary>
internal static class FindingsOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// Under --json a refused command still prints JSON (<c>{"ok": false, "error": …}</c>) with its exit code,
    /// so a machine reading stdout always gets a document; without --json the error goes to the CLI's boundary.
    /// </summary>
    public static async Task<int> JsonErrorsAsync(CliConsole console, bool json, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (DevOpsAgentException error) when (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new { ok = false, error = error.Message, exitCode = error.ExitCode }, Json));
            return error.ExitCode;
        }
    }

    public static async Task<int> WriteAsync(CliConsole console, IReadOnlyList<Finding> findings, bool json, string passed)
    {
        if (json)
        {
            var document = new
            {
                ok = !findings.HasErrors(),
                errors = findings.Count(f => f.Severity == Severity.Error),
                warnings = findings.Count(f => f.Severity == Severity.Warning),
                findings = findings.Select(f => new { rule = f.RuleId, f.Severity, f.File, f.Line, f.Message, f.Fix }),
            };
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(document, Json));
        }
        else
        {
            foreach (var finding in findings)
            {
                await console.Out.WriteLineAsync(finding.ToString());
                await console.Out.WriteLineAsync($"    fix: {finding.Fix}");
            }

            var errors = findings.Count(f => f.Severity == Severity.Error);
            var warnings = findings.Count - errors;
            await console.Out.WriteLineAsync(findings.Count == 0
                ? passed
                : $"{errors} error(s), {warnings} warning(s)");
        }

        return findings.HasErrors() ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
