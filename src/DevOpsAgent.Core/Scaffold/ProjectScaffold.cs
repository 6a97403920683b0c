using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Scaffold;

/// <summary>One file <c>init</c> writes: where, and what.</summary>
public sealed record ScaffoldFile(string Path, string Content)
{
    public override string ToString() => Path;
}

/// <summary>
/// <c>init</c>'s standard structure, modelled on examples/fullstack: compose for development and production,
/// .env.example, Dockerfiles (FastAPI on debian:bookworm-slim; Vue built with node, served by nginx), the
/// nginx config, devops-agent.yml and the .gitignore entries. It passes <c>check</c> with no findings.
/// </summary>
public static partial class ProjectScaffold
{
    /// <summary>What .gitignore must hold: .env above all (secrets are never committed).</summary>
    public static readonly IReadOnlyList<string> GitignoreEntries = [".env", "node_modules/", "dist/", "__pycache__/", "*.pyc"];

    private static readonly (string Path, string Template)[] Layout =
    [
        ("docker-compose.yml", "docker-compose.yml.tmpl"),
        ("docker-compose.prod.yml", "docker-compose.prod.yml.tmpl"),
        (".env.example", "env.example.tmpl"),
        ("devops-agent.yml", "devops-agent.yml.tmpl"),
        ("backend/Dockerfile", "backend.Dockerfile.tmpl"),
        ("backend/.dockerignore", "backend.dockerignore.tmpl"),
        ("frontend/Dockerfile", "frontend.Dockerfile.tmpl"),
        ("frontend/.dockerignore", "frontend.dockerignore.tmpl"),
        ("frontend/nginx.conf", "nginx.conf.tmpl"),
    ];

    public static IReadOnlyList<ScaffoldFile> Files(string project)
    {
        if (!ProjectName().IsMatch(project))
        {
            throw new ArgumentException($"'{project}' is not a valid project name (lowercase letters, digits, '-' or '_').", nameof(project));
        }

        return [.. Layout.Select(item => new ScaffoldFile(item.Path, Template(item.Template).Replace("{{project}}", project, StringComparison.Ordinal)))];
    }

    /// <summary>A project name from a folder name: <c>My Shop</c> → <c>my-shop</c>; <c>app</c> when nothing usable is left.</summary>
    public static string ProjectNameFrom(string folderName)
    {
        var name = NotAllowed().Replace(folderName.ToLowerInvariant(), "-").Trim('-', '_');
        return name.Length > 0 && ProjectName().IsMatch(name) ? name : "app";
    }

    /// <summary>.gitignore with the missing <see cref="GitignoreEntries"/> appended; null when none is missing.</summary>
    public static (string Content, IReadOnlyList<string> Added)? WithGitignoreEntries(string? existing)
    {
        var present = (existing ?? "").Split('\n').Select(line => line.Trim()).ToHashSet(StringComparer.Ordinal);
        var missing = GitignoreEntries.Where(entry => !present.Contains(entry) && !present.Contains("/" + entry)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }

        var prefix = string.IsNullOrEmpty(existing) ? "" : existing.EndsWith('\n') ? existing : existing + "\n";
        return (prefix + string.Join("", missing.Select(entry => entry + "\n")), missing);
    }

    private static string Template(string name)
    {
        using var stream = typeof(ProjectScaffold).Assembly.GetManifestResourceStream($"Scaffold/{name}")
            ?? throw new InvalidOperationException($"The scaffold template {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z")]
    private static partial Regex ProjectName();

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NotAllowed();
}
