using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Requirements;

namespace DevOpsAgent.Core.Quality;

/// <summary>
/// The seed's "Before deployment" checklist in one pass: .env.example documents every required variable,
/// compose patterns (and the compose schema, when a validator is given), no secrets in tracked files,
/// migrations have downgrades, a rollback is possible (git history).
/// </summary>
public static class ProjectCheck
{
    public static IReadOnlyList<Finding> Run(ProjectSnapshot project, Func<ComposeFile, IEnumerable<Finding>>? schema = null)
    {
        var findings = new List<Finding>();
        var composeFiles = project.Files.Where(f => ComposeFile.IsComposeFileName(f.Path)).Select(ComposeFile.Parse).ToList();
        if (composeFiles.Count == 0)
        {
            findings.Add(new Finding("compose-missing", Severity.Error, "docker-compose.yml", 0, "no compose file found",
                "run 'devops-agent init' to scaffold docker-compose.yml and docker-compose.prod.yml"));
        }

        foreach (var compose in composeFiles)
        {
            findings.AddRange(ComposeLint.Run(compose));
            if (schema is not null)
            {
                findings.AddRange(schema(compose));
            }
        }

        findings.AddRange(ExampleCoverage(project));
        findings.AddRange(SecretScan.Run(project));
        findings.AddRange(MigrationCheck.Run(project));
        if (!project.Git.IsRepository)
        {
            findings.Add(new Finding("rollback-no-git", Severity.Error, ".", 0,
                "the project is not a git repository, so no release can be rolled back",
                "git init, commit, and tag releases (git tag v1.0.0)"));
        }

        return Findings.Sorted(findings.Distinct());
    }

    private static IEnumerable<Finding> ExampleCoverage(ProjectSnapshot project)
    {
        var report = RequiredVariables.Discover(project);
        var hasExample = project.Find(".env.example") is not null;
        foreach (var variable in report.Variables.Where(v => v.Need == Need.Required && !v.Documented))
        {
            var use = variable.Uses.First(u => u.Need == Need.Required);
            yield return new Finding("env-example-missing", Severity.Error, use.File, use.Line,
                $"{variable.Name} is required but {(hasExample ? ".env.example does not document it" : "there is no .env.example")}",
                $"add {variable.Name}= with a placeholder to .env.example");
        }
    }
}
