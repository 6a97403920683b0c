using System.CommandLine;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
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
    /// The history database. A path the user gave (--history, $DEVOPS_AGENT_HISTORY) must be a file in an existing
    /// folder: a mistyped path is refused instead of creating folders; only the default location is created.
    /// </summary>
    public SqliteDeployHistory History()
    {
        var path = HistoryPath(parseResult);
        if (Directory.Exists(path))
        {
            throw new DevOpsAgentException($"the history database {InputText.Quote(path)} is a folder, not a file", ExitCodes.InvalidConfiguration);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var given = parseResult.GetValue(CommonOptions.History) is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DEVOPS_AGENT_HISTORY"));
        if (given && !Directory.Exists(folder))
        {
            throw new DevOpsAgentException($"the folder of the history database {InputText.Quote(path)} does not exist", ExitCodes.InvalidConfiguration);
        }

        return new SqliteDeployHistory(path);
    }

    public static string HistoryPath(ParseResult parseResult) => parseResult.GetValue(CommonOptions.History) ?? SqliteDeployHistory.DefaultPath();

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
