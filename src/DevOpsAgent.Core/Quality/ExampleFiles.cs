using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// The templates of .env files wherever they are and however they are named (.env.example, .env.sample,
/// .env.dev.example, .env.prod-sample, frontend/.env.example, env.template…), each paired with the .env
/// it documents (same folder, the example word taken out of the name).
/// </summary>
public static class ExampleFiles
{
    private static readonly string[] Words = ["example", "sample", "template", "dist", "tpl", "defaults"];

    public sealed record Pair(ProjectFile Example, string EnvPath)
    {
        public string Path => Example.Path;
    }

    public static bool IsExample(string path)
    {
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        var envLike = name.StartsWith(".env", StringComparison.Ordinal) || name.StartsWith("env.", StringComparison.Ordinal) || name.EndsWith(".env", StringComparison.Ordinal);
        return envLike && Words.Any(w => name.Contains(w, StringComparison.Ordinal));
    }

    public static IReadOnlyList<Pair> Find(ProjectSnapshot project) =>
        [.. project.Files.Where(f => IsExample(f.Path)).OrderBy(f => f.Path.Count(c => c == '/')).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new Pair(f, EnvPathFor(f.Path)))];

    /// <summary>The example a .env is checked against: its pair, else the root's .env.example-like file.</summary>
    public static Pair? For(ProjectSnapshot project, string envPath)
    {
        var all = Find(project);
        return all.FirstOrDefault(p => p.EnvPath == envPath) ?? all.FirstOrDefault(p => !p.Path.Contains('/', StringComparison.Ordinal));
    }

    /// <summary><c>frontend/.env.dev.example</c> documents <c>frontend/.env.dev</c>; <c>.env.prod-sample</c>, <c>.env.prod</c>.</summary>
    public static string EnvPathFor(string examplePath)
    {
        var folder = System.IO.Path.GetDirectoryName(examplePath)?.Replace('\\', '/') ?? "";
        var name = System.IO.Path.GetFileName(examplePath);
        foreach (var word in Words)
        {
            name = System.Text.RegularExpressions.Regex.Replace(name, $@"[._-]{word}(?=$|[._-])|^{word}[._-]", "", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        }

        if (name is "" or "env")
        {
            name = ".env";
        }

        return folder.Length == 0 ? name : $"{folder}/{name}";
    }

    /// <summary>
    /// Keys the templates document, plus those of committed .env files and of files a service reads with
    /// env_file: they supply their keys (whether they should hold the values is the secret scan's question).
    /// </summary>
    public static HashSet<string> DocumentedKeys(ProjectSnapshot project, IEnumerable<string>? envFiles = null)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var referenced = (envFiles ?? []).ToHashSet(StringComparer.Ordinal);
        var sources = Find(project).Select(p => p.Example)
            .Concat(project.TrackedFiles.Where(f => (SecretScan.IsDotenv(f.Name) && project.Git.IsRepository) || referenced.Contains(f.Path)));
        foreach (var file in sources)
        {
            foreach (var key in TrackedEnvFiles.Keys(file))
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
