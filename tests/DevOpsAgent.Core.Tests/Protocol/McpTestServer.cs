using System.Text.Json;
using DevOpsAgent.Cli;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DevOpsAgent.Core.Tests.Protocol;

/// <summary>
/// A project folder for <c>devops-agent mcp</c> (staging and production both <c>server: local</c>, so nothing needs
/// SSH), and the built binary started over stdio with the SDK's own client.
/// </summary>
public sealed class McpTestServer : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("devops-agent-mcp-").FullName;

    public McpTestServer()
    {
        Write("docker-compose.prod.yml", "services:\n  backend:\n    image: b\n");
        Write(".env.example", "SECRET_KEY=generate_random_value\n");
        Write("project-state.yml", TaskGateTests.StateYaml);
        Write("devops-agent.yml", $"""
            project: shop
            repository: {Root}/origin.git
            compose_files: [docker-compose.prod.yml]
            environments:
              staging:
                server: local
                user: deploy
                path: {Root}/staging
                branch: staging
              production:
                server: local
                user: deploy
                path: {Root}/production
                tag: v1.1.0
                preflight:
                  tested_on: staging
            orchestrator:
              project_state: project-state.yml
              reports: reports
            """);
    }

    public string HistoryPath => Path.Combine(Root, "history.db");

    public void Write(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public async Task<McpClient> StartAsync(McpClientOptions? options = null, params string[] extra)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "devops-agent",
            Command = "dotnet",
            Arguments = [typeof(CliApp).Assembly.Location, "mcp", "--config", Path.Combine(Root, "devops-agent.yml"), "--history", HistoryPath, .. extra],
            WorkingDirectory = Root,
        });
        return await McpClient.CreateAsync(transport, options);
    }

    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    public static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"no structuredContent: {Text(result)}");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
