using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// .env files git tracks (never their templates): one that holds a real secret has leaked it; one that
/// holds only placeholders or well-known development defaults (<c>changethis</c>, <c>postgres</c>) leaks
/// nothing, but a deploy that reads it runs with a known password.
/// </summary>
public static class TrackedEnvFiles
{
    public static IEnumerable<Finding> Run(ProjectSnapshot project)
    {
        if (!project.Git.IsRepository)
        {
            yield break;
        }

        foreach (var file in project.TrackedFiles.Where(f => SecretScan.IsDotenv(f.Name)))
        {
            var real = RealSecrets(file);
            if (real.Count > 0)
            {
                yield return new Finding("secret-tracked-env", Severity.Error, file.Path, 0,
                    $"{file.Path} is tracked by git and holds {string.Join(", ", real)}",
                    $"git rm --cached {file.Path}, add it to .gitignore and rotate every secret it held");
            }
            else if (Placeholders(file) is { Count: > 0 } placeholders)
            {
                yield return new Finding("env-committed-placeholder", Severity.Warning, file.Path, 0,
                    $"{file.Path} is tracked by git with placeholder or default values for {string.Join(", ", placeholders)}",
                    $"rename it to {file.Path}.example, gitignore {file.Path}, and set real values on the servers (devops-agent env push)");
            }
            else if (file.Path == ".env")
            {
                // The root .env is the one compose reads; the seed's pitfall "Commit .env files". Frontend mode
                // files (frontend/.env.production with VITE_* URLs) are committed by design.
                yield return new Finding("env-committed", Severity.Warning, file.Path, 0, ".env is tracked by git",
                    "git rm --cached .env, gitignore it, and document its keys in .env.example");
            }
        }
    }

    public static IEnumerable<string> Keys(ProjectFile file) => Entries(file).Select(e => e.Key);

    /// <summary>Secret-named keys with a value that is neither empty, a reference, a placeholder nor a common default.</summary>
    public static IReadOnlyList<string> RealSecrets(ProjectFile file) =>
        [.. Entries(file).Where(e => SecretHeuristics.IsSecretName(e.Key) && e.Value.Length > 0 && !SecretHeuristics.IsReference(e.Value)
            && !SecretHeuristics.IsPlaceholder(e.Value) && !SecretHeuristics.IsDevelopmentDefault(e.Value)).Select(e => e.Key)];

    private static IReadOnlyList<string> Placeholders(ProjectFile file) =>
        [.. Entries(file).Where(e => SecretHeuristics.IsSecretName(e.Key)
            && (SecretHeuristics.IsPlaceholder(e.Value) || SecretHeuristics.IsDevelopmentDefault(e.Value))).Select(e => e.Key)];

    /// <summary>KEY=value lines; a file the strict parser refuses still has keys worth reading.</summary>
    private static IEnumerable<(string Key, string Value)> Entries(ProjectFile file)
    {
        foreach (var raw in file.Content.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            if (key.All(c => TemplateScanner.IsNameChar(c) || c == '.'))
            {
                var value = line[(equals + 1)..].Trim();
                value = value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0] ? value[1..^1] : value.Split(" #", 2)[0];
                yield return (key, value);
            }
        }
    }
}
