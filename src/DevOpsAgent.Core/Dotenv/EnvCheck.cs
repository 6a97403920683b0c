using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// <c>env check</c>: .env against .env.example and the seed's rules. Findings name keys and lines, never
/// values.
/// </summary>
public static class EnvCheck
{
    public static IReadOnlyList<Finding> Run(DotenvFile? env, DotenvFile example, GitFacts git)
    {
        var findings = new List<Finding>();
        var envPath = env?.Path ?? ".env";
        if (git.IsRepository)
        {
            if (!git.EnvIgnored)
            {
                findings.Add(new Finding("env-not-ignored", Severity.Error, ".gitignore", 0,
                    ".env is not gitignored", "add a line '.env' to .gitignore"));
            }

            if (git.Tracked.Contains(".env"))
            {
                findings.Add(new Finding("env-tracked", Severity.Error, ".env", 0,
                    ".env is tracked by git", "git rm --cached .env, then rotate every secret it held"));
            }
        }

        if (env is null)
        {
            findings.Add(new Finding("env-missing", Severity.Error, envPath, 0,
                ".env does not exist", "run 'devops-agent env init' to create it from .env.example"));
            return Findings.Sorted(findings);
        }

        // Dictionaries of each file's last assignments: Find() per key scanned the whole file (80k keys: 20 s).
        var values = env.LastEntries();
        var documented = example.LastEntries();
        foreach (var key in example.Keys.Where(key => !values.ContainsKey(key)))
        {
            findings.Add(new Finding("env-missing-key", Severity.Error, example.Path, documented[key].Line,
                $"{key} is in {example.Path} but not in {env.Path}", $"add {key} to {env.Path}"));
        }

        foreach (var key in env.Keys)
        {
            var entry = values[key];
            if (!documented.ContainsKey(key))
            {
                findings.Add(new Finding("env-extra-key", Severity.Warning, env.Path, entry.Line,
                    $"{key} is not documented in {example.Path}", $"add {key} to {example.Path} with a placeholder value"));
            }

            findings.AddRange(ValueFindings(env.Path, entry));
        }

        return Findings.Sorted(findings);
    }

    private static IEnumerable<Finding> ValueFindings(string path, DotenvEntry entry)
    {
        var (key, value, line) = entry;
        if (value.Length == 0)
        {
            yield return new Finding("env-empty-value", Severity.Warning, path, line, $"{key} is empty", $"set a value for {key}");
            yield break;
        }

        if (SecretHeuristics.IsPlaceholder(value))
        {
            yield return new Finding("env-placeholder", Severity.Error, path, line,
                $"{key} still has its placeholder value", $"replace it; 'devops-agent env init --force' generates secrets");
            yield break;
        }

        if (key == "DATABASE_URL" && DatabaseUrl.Problem(value) is { } problem)
        {
            yield return new Finding("env-database-url", Severity.Error, path, line, $"DATABASE_URL {problem}",
                "use postgresql://user:password@host:5432/dbname");
        }

        if (key == "SECRET_KEY" && !SecretHeuristics.IsStrongSecret(value))
        {
            yield return new Finding("env-weak-secret", Severity.Error, path, line,
                $"SECRET_KEY is too short or not random enough (needs {SecretHeuristics.MinimumSecretLength}+ characters, "
                + $"{SecretHeuristics.MinimumBitsPerChar:0.0}+ bits of entropy per character)",
                "generate one: openssl rand -hex 32");
        }
    }
}
