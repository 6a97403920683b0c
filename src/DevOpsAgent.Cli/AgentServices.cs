using System.CommandLine;
using DevOpsAgent.Core.Configuration;
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

    public SqliteDeployHistory History() => new(parseResult.GetValue(CommonOptions.History) ?? SqliteDeployHistory.DefaultPath());

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
