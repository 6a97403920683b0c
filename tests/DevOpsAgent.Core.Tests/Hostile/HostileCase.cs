namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>
/// One hostile input: a name that says what it is, the command line (<c>{project}</c> and <c>{root}</c> stand for
/// the world's folders), the exit code it must get, and any files or links the world needs for it.
/// </summary>
public sealed record HostileCase(string Name, int ExpectedExitCode, params string[] Arguments)
{
    public IReadOnlyList<(string Path, byte[] Content)> Files { get; init; } = [];

    public IReadOnlyList<(string Path, string Target)> Links { get; init; } = [];

    public HostileCase With(string path, byte[] content) => this with { Files = [.. Files, (path, content)] };

    public HostileCase With(string path, string content) => With(path, System.Text.Encoding.UTF8.GetBytes(content));

    public HostileCase WithLink(string path, string target) => this with { Links = [.. Links, (path, target)] };

    public override string ToString() => Name;
}
