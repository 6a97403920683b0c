using System.CommandLine;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.History;
using DevOpsAgent.Core.Execution;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Configuration;
using DevOpsAgent.Infrastructure.History;
using DevOpsAgent.Infrastructure.Local;
using DevOpsAgent.Infrastructure.Ssh;

namespace DevOpsAgent.Cli;

/// <summary>What a command needs from the outside world, built from its parsed options.</summary>
public sealed class AgentServices(ParseResult parseResult)
{
    private AgentConfig? _config;

    public AgentConfig Config => _config ??= YamlConfigLoader.Load(parseResult.GetValue(CommonOptions.Config)!, YamlConfigLoader.ProcessEnvironment());

    /// <summary>
    /// The history store: --history, else $DEVOPS_AGENT_HISTORY_URL / $DEVOPS_AGENT_HISTORY, else devops-agent.yml's
    /// <c>history:</c> (read only when the file exists), else the default SQLite file. A file path the user gave must be
    /// a file in an existing folder: a mistyped path is refused instead of creating folders; only the default location is created.
    /// </summary>
    public IDeployHistory History()
    {
        var location = HistoryLocation();
        if (location.Postgres is { } postgres)
        {
            // One pool per database for the process: the MCP server builds services per call.
            return SharedPostgres.GetOrAdd(postgres.Display + "\n" + postgres.Password, _ => new PostgresDeployHistory(postgres));
        }

        var path = location.SqlitePath!;
        if (Directory.Exists(path))
        {
            throw new DevOpsAgentException($"the history database {InputText.Quote(path)} is a folder, not a file", ExitCodes.InvalidConfiguration);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (location.Given && !Directory.Exists(folder))
        {
            throw new DevOpsAgentException($"the folder of the history database {InputText.Quote(path)} does not exist", ExitCodes.InvalidConfiguration);
        }

        return new SqliteDeployHistory(path);
    }

    /// <summary>
    /// The history for an operation that changes a server: <see cref="History"/>, telling the environment's webhooks
    /// (devops-agent.yml <c>notifications:</c>) when an operation starts and how it ends. Reading and importing
    /// history use <see cref="History"/> itself, which tells nobody.
    /// </summary>
    public IDeployHistory OperationHistory()
    {
        var history = History();
        var config = File.Exists(parseResult.GetValue(CommonOptions.Config)) ? Config : null;
        if (config is null || config.Environments.Values.All(e => e.Notifications.Count == 0))
        {
            return history;
        }

        return NotificationHub.Wrap(history, config, SecretValues(Commands.ProtocolServices.ConfigDirectory(parseResult)));
    }

    /// <summary>The local .env's values (when there is one), masked in notifications besides what looks like a secret.</summary>
    private static IReadOnlyCollection<string> SecretValues(string projectDirectory)
    {
        try
        {
            var path = Path.Combine(projectDirectory, ".env");
            return File.Exists(path) ? [.. Core.Dotenv.DotenvParser.Parse(File.ReadAllText(path), path).Entries.Select(e => e.Value)] : [];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or DevOpsAgentException)
        {
            return [];
        }
    }

    public HistoryLocation HistoryLocation()
    {
        var option = parseResult.GetValue(CommonOptions.History);
        var urlVariable = Environment.GetEnvironmentVariable("DEVOPS_AGENT_HISTORY_URL");
        var pathVariable = Environment.GetEnvironmentVariable("DEVOPS_AGENT_HISTORY");
        var config = string.IsNullOrEmpty(option) && string.IsNullOrEmpty(urlVariable) && string.IsNullOrEmpty(pathVariable)
            && File.Exists(parseResult.GetValue(CommonOptions.Config)) ? Config.History : null;
        // Like orchestrator.project_state, a relative file in devops-agent.yml is relative to that file's folder.
        if (config?.SqlitePath is { } file && !Path.IsPathRooted(file))
        {
            config = Core.History.HistoryLocation.Sqlite(Path.Combine(Commands.ProtocolServices.ConfigDirectory(parseResult), file), given: true);
        }

        return Core.History.HistoryLocation.Select(option, urlVariable, pathVariable, config, SqliteDeployHistory.DefaultPath());
    }

    /// <summary>What errors call the history (a path, or a URL without its password); null when it cannot be worked out.</summary>
    public static string? HistoryPath(ParseResult parseResult)
    {
        try
        {
            return new AgentServices(parseResult).HistoryLocation().Display;
        }
        catch (Exception error) when (error is DevOpsAgentException or ArgumentException or IOException)
        {
            return null;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PostgresDeployHistory> SharedPostgres = new();

    /// <summary>One connection to the environment's server, reused for the whole operation.</summary>
    public async Task<ICommandRunner> ConnectAsync(EnvironmentConfig environment, CancellationToken cancellationToken)
    {
        if (environment.IsLocal)
        {
            return new LocalCommandRunner();
        }

        return await SshCommandRunner.ConnectAsync(Target(environment), cancellationToken);
    }

    /// <summary>The environment's secret files (.env): over SFTP on the same terms as <see cref="ConnectAsync"/>, or local.</summary>
    public async Task<ISecretFileStore> OpenSecretFilesAsync(EnvironmentConfig environment, CancellationToken cancellationToken) =>
        environment.IsLocal ? new LocalSecretFileStore() : await SftpSecretFileStore.ConnectAsync(Target(environment), cancellationToken);

    private SshTarget Target(EnvironmentConfig environment) => new()
    {
        Host = environment.Server,
        Port = environment.Port,
        User = environment.User,
        IdentityFile = environment.IdentityFile,
        KnownHostsFile = environment.KnownHostsFile,
        AcceptNewHostKey = parseResult.GetValue(CommonOptions.AcceptNewHostKey),
    };

    /// <summary>Who started an operation, for history: $DEVOPS_AGENT_ACTOR, else user@host.</summary>
    public static string Actor() =>
        Environment.GetEnvironmentVariable("DEVOPS_AGENT_ACTOR") is { Length: > 0 } actor ? actor : $"{Environment.UserName}@{Environment.MachineName}";
}
