using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Ssh;
using DevOpsAgent.Infrastructure.Ssh.Agent;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>
/// The keys one connection offers, in ssh's order: the configured identity file alone; otherwise the running
/// ssh-agent's keys ($SSH_AUTH_SOCK), then whichever of ~/.ssh/id_ed25519, id_ecdsa and id_rsa exist.
/// Descriptions name keys by file or fingerprint, never by their material.
/// </summary>
internal sealed class SshCredentials
{
    private static readonly string[] DefaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"];

    private SshCredentials(IReadOnlyList<IPrivateKeySource> keys, IReadOnlyList<string> offered, IReadOnlyList<string> problems)
    {
        Keys = keys;
        Offered = offered;
        Problems = problems;
    }

    public IReadOnlyList<IPrivateKeySource> Keys { get; }

    /// <summary>What each key is, for an error that says what the server refused.</summary>
    public IReadOnlyList<string> Offered { get; }

    /// <summary>Why a source gave no key (an unreachable or empty agent, an unreadable default key file).</summary>
    public IReadOnlyList<string> Problems { get; }

    public static async Task<SshCredentials> ResolveAsync(SshTarget target, CancellationToken cancellationToken)
    {
        if (target.IdentityFile is { } identityFile)
        {
            var key = ReadKeyFile(identityFile, out var error)
                ?? throw new ConnectionFailedException($"Cannot read SSH private key {identityFile}: {error!.Message}", error);
            return new SshCredentials([key], [identityFile], []);
        }

        var keys = new List<IPrivateKeySource>();
        var offered = new List<string>();
        var problems = new List<string>();
        if ((target.AgentSocket ?? Environment.GetEnvironmentVariable("SSH_AUTH_SOCK")) is { Length: > 0 } socket)
        {
            foreach (var key in await AgentKeysAsync(new SshAgentClient(socket), problems, cancellationToken))
            {
                keys.Add(key);
                offered.Add(key.ToString());
            }
        }

        var keyFiles = DefaultKeyNames.Select(name => Path.Combine(HomeSsh(), name)).Where(File.Exists).ToList();
        foreach (var keyFile in keyFiles)
        {
            // A passphrase-protected default key is usually the one the agent holds: skip it, but say so if nothing works.
            if (ReadKeyFile(keyFile, out var error) is { } key)
            {
                keys.Add(key);
                offered.Add(keyFile);
            }
            else
            {
                problems.Add($"cannot read {keyFile} ({Clause(error!.Message)})");
            }
        }

        if (keyFiles.Count == 0)
        {
            problems.Add($"no {string.Join(", ", DefaultKeyNames)} in {HomeSsh()}");
        }

        return keys.Count > 0
            ? new SshCredentials(keys, offered, problems)
            : throw new ConnectionFailedException(
                $"No SSH key for {target}: {string.Join("; ", problems)}. Set identity_file, or add a key to the ssh-agent (ssh-add).");
    }

    private static async Task<IReadOnlyList<AgentKeySource>> AgentKeysAsync(SshAgentClient agent, List<string> problems, CancellationToken cancellationToken)
    {
        IReadOnlyList<AgentIdentity> identities;
        try
        {
            identities = await agent.RequestIdentitiesAsync(cancellationToken);
        }
        catch (SshAgentException error)
        {
            problems.Add(Clause(error.Message));
            return [];
        }

        var keys = identities.Select(identity => AgentKeySource.TryCreate(agent, identity)).OfType<AgentKeySource>().ToList();
        if (keys.Count == 0)
        {
            problems.Add(identities.Count == 0
                ? $"the ssh-agent at {agent.SocketPath} holds no keys"
                : $"the ssh-agent at {agent.SocketPath} holds no key of a type DevOps Agent can use ({string.Join(", ", identities.Select(identity => identity.KeyType).Distinct())})");
        }

        return keys;
    }

    private static PrivateKeyFile? ReadKeyFile(string keyFile, out Exception? error)
    {
        try
        {
            error = null;
            return new PrivateKeyFile(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            error = e;
            return null;
        }
    }

    /// <summary>A sentence as one clause of a longer one-line message.</summary>
    private static string Clause(string sentence) =>
        sentence.Length > 1 && char.IsUpper(sentence[0]) && !char.IsUpper(sentence[1])
            ? char.ToLowerInvariant(sentence[0]) + sentence[1..].TrimEnd('.')
            : sentence.TrimEnd('.');

    private static string HomeSsh() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
}
