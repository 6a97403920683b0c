using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Requirements;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// The seed's "Before deployment" checklist in one pass: .env.example documents every required variable,
/// compose patterns over the merged model of each compose set (and the compose schema per file, when a
/// validator is given), no secrets in tracked files, migrations have downgrades, a rollback is possible.
/// </summary>
public static class ProjectCheck
{
    public static IReadOnlyList<Finding> Run(ProjectSnapshot project, Func<ComposeFile, IEnumerable<Finding>>? schema = null)
    {
        var findings = new List<Finding>();
        var compose = ComposeProject.Load(project);
        findings.AddRange(compose.Problems);
        if (compose.Sets.Count == 0 && compose.Problems.Count == 0)
        {
            findings.Add(new Finding("compose-missing", Severity.Error, "docker-compose.yml", 0, "no compose file found",
                "run 'devops-agent init' to scaffold docker-compose.yml and docker-compose.prod.yml"));
        }

        foreach (var model in compose.Models)
        {
            findings.AddRange(ComposeLint.Run(model));
        }

        if (schema is not null)
        {
            foreach (var file in compose.UsedFiles)
            {
                findings.AddRange(schema(file));
            }
        }

        findings.AddRange(ExampleCoverage(project, compose));
        findings.AddRange(SecretScan.Run(project));
        findings.AddRange(TrackedEnvFiles.Run(project));
        findings.AddRange(MigrationCheck.Run(project));
        if (!project.Git.IsRepository)
        {
            findings.Add(new Finding("rollback-no-git", Severity.Error, ".", 0,
                "the project is not a git repository, so no release can be rolled back",
                "git init, commit, and tag releases (git tag v1.0.0)"));
        }

        // The same node reached through two sets (development and production share the base file) is one
        // finding; an error wins over the development set's warning.
        return Findings.Sorted(findings
            .GroupBy(f => (f.RuleId, f.File, f.Line, f.Message))
            .Select(g => g.OrderByDescending(f => f.Severity).First()));
    }

    private static IEnumerable<Finding> ExampleCoverage(ProjectSnapshot project, ComposeProject compose)
    {
        var report = RequiredVariables.Discover(project, compose);
        var examples = ExampleFiles.Find(project);
        foreach (var variable in report.Variables.Where(v => v.Need == Need.Required && !v.Documented))
        {
            var use = variable.Uses.First(u => u.Need == Need.Required);
            yield return new Finding("env-example-missing", Severity.Error, use.File, use.Line,
                $"{variable.Name} is required but {(examples.Count > 0 ? $"{string.Join(", ", examples.Select(e => e.Path))} {(examples.Count == 1 ? "does" : "do")} not document it" : "no .env.example (nor a committed .env) documents it")}",
                $"add {variable.Name}= with a placeholder to {(examples.Count > 0 ? examples[0].Path : ".env.example")}");
        }
    }
}
