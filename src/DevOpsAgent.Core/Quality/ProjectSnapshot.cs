namespace DevOpsAgent.Core.Quality;

/// <summary>A text file of the project, by its path relative to the root ('/' separated).</summary>
public sealed record ProjectFile(string Path, string Content)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public override string ToString() => Path;
}

/// <summary>What git says about the project: tracked files and whether <c>.env</c> is ignored.</summary>
public sealed record GitFacts(bool IsRepository, IReadOnlySet<string> Tracked, bool EnvIgnored)
{
    public static GitFacts None { get; } = new(false, new HashSet<string>(), false);
}

/// <summary>
/// The project as the checks see it: the text files that are not gitignored (tracked or new), read once
/// by Infrastructure; every check over it is pure.
/// </summary>
public sealed record ProjectSnapshot(IReadOnlyList<ProjectFile> Files, GitFacts Git)
{
    /// <summary>
    /// The compose sets the loaded configuration deploys, when the caller has it (a deploy with --config
    /// elsewhere); null reads devops-agent.yml from the project itself.
    /// </summary>
    public IReadOnlyList<Compose.ComposeSet>? ConfiguredSets { get; init; }

    public ProjectFile? Find(string path) => Files.FirstOrDefault(f => f.Path == path);

    /// <summary>Files git tracks; every file when the project is not a git repository.</summary>
    public IEnumerable<ProjectFile> TrackedFiles => Git.IsRepository ? Files.Where(f => Git.Tracked.Contains(f.Path)) : Files;
}
