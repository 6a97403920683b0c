using System.Text;
using DevOpsAgent.Core.Execution;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>What <c>env push</c> did (or, in a dry run, would do). Key names only, never values.</summary>
public sealed record EnvPushResult(string RemotePath, DotenvDiff Diff, bool RemoteExisted, bool Uploaded, string? PreviousPath)
{
    /// <summary>Why the server's file could not be compared (it was malformed), when it could not.</summary>
    public string? RemoteProblem { get; init; }

    /// <summary>True when the server already had exactly these bytes.</summary>
    public bool UpToDate => RemoteExisted && !Uploaded && Diff.IsEmpty && RemoteProblem is null;
}

/// <summary>
/// <c>env push</c> and <c>env diff</c>: a local .env against the one in an environment's app folder. Values
/// are compared in memory and never leave this class except as the uploaded file itself.
/// </summary>
public sealed class EnvSync(ISecretFileStore store, string appPath)
{
    public string RemotePath => $"{appPath.TrimEnd('/')}/.env";

    public string PreviousPath => $"{appPath.TrimEnd('/')}/.env.previous";

    /// <summary>How parse errors name the server's file: <c>deploy@host:22:/var/www/shop/.env: line 3: …</c>.</summary>
    public string RemoteName => $"{store.Target}:{RemotePath}";

    /// <summary>The keys that differ; a missing server file counts as empty. A malformed one is an error naming its line.</summary>
    public async Task<(DotenvDiff Diff, bool RemoteExists)> DiffAsync(DotenvFile local, CancellationToken cancellationToken)
    {
        var remote = await store.ReadAsync(RemotePath, cancellationToken);
        return (DotenvDiff.Compare(local, remote is null ? null : Parse(remote)), remote is not null);
    }

    /// <summary>
    /// Uploads <paramref name="content"/> (already parsed into <paramref name="local"/>, so a malformed file
    /// never gets here) atomically with mode 0600, after saving the server's current file as .env.previous.
    /// Identical bytes are not uploaded again.
    /// </summary>
    public async Task<EnvPushResult> PushAsync(DotenvFile local, ReadOnlyMemory<byte> content, bool dryRun, CancellationToken cancellationToken)
    {
        var remote = await store.ReadAsync(RemotePath, cancellationToken);
        DotenvFile? remoteFile = null;
        string? problem = null;
        try
        {
            remoteFile = remote is null ? null : Parse(remote);
        }
        catch (DotenvException error)
        {
            // A broken server file is what a push repairs; it is kept as .env.previous like any other.
            problem = error.Message;
        }

        var diff = DotenvDiff.Compare(local, remoteFile);
        var identical = remote is not null && content.Span.SequenceEqual(remote);
        if (dryRun || identical)
        {
            return new EnvPushResult(RemotePath, diff, remote is not null, false, null) { RemoteProblem = problem };
        }

        if (remote is not null)
        {
            await store.WriteAtomicallyAsync(PreviousPath, remote, cancellationToken);
        }

        await store.WriteAtomicallyAsync(RemotePath, content, cancellationToken);
        return new EnvPushResult(RemotePath, diff, remote is not null, true, remote is null ? null : PreviousPath) { RemoteProblem = problem };
    }

    private DotenvFile Parse(byte[] content) => DotenvParser.Parse(Encoding.UTF8.GetString(content), RemoteName);
}
