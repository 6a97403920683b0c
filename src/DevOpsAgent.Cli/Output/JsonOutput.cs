using System.Text.Json;
using System.Text.Json.Serialization;

namespace DevOpsAgent.Cli.Output;

/// <summary>The one JSON style of every --json output: snake_case, enums as lowercase strings, indented.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same style on one line, for JSON Lines.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static void Write(CliConsole console, object value) => console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
