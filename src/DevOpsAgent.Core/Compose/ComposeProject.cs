using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The project's compose files parsed once, the sets a deploy (and local development) runs, and the merged
/// model of each set. A file that is not valid YAML is a finding, not a crash.
/// </summary>
public sealed record ComposeProject(
    IReadOnlyDictionary<string, ComposeFile> Files, IReadOnlyList<ComposeSet> Sets, IReadOnlyList<ComposeFile> Models, IReadOnlyList<Finding> Problems)
{
    /// <summary>Files of some set, in first-use order: what the deploy (or development) actually reads.</summary>
    public IReadOnlyList<ComposeFile> UsedFiles =>
        [.. Sets.SelectMany(s => s.Files).Distinct(StringComparer.Ordinal).Where(Files.ContainsKey).Select(path => Files[path])];

    public static ComposeProject Load(ProjectSnapshot project)
    {
        var files = new Dictionary<string, ComposeFile>(StringComparer.Ordinal);
        var problems = new List<Finding>();
        foreach (var file in project.Files.Where(f => ComposeFile.IsComposeFileName(f.Path)))
        {
            if (ComposeFile.TryParse(file, out var compose, out var error))
            {
                files[file.Path] = compose;
            }
            else
            {
                problems.Add(new Finding("compose-invalid-yaml", Severity.Error, file.Path, 0, error, "fix the YAML (docker compose config shows the same error)"));
            }
        }

        var sets = ComposeSets.Discover(project, files);
        foreach (var (set, path) in sets.Where(s => s.Deployed).SelectMany(s => s.Files.Select(f => (s, f))).Where(p => project.Find(p.f) is null))
        {
            problems.Add(new Finding("compose-missing", Severity.Error, ComposeSets.ConfigFile, 0,
                $"the compose set {set.Name} names {path}, which does not exist", $"create {path} or fix compose_files in {ComposeSets.ConfigFile}"));
        }

        var models = sets.Where(s => s.Files.All(files.ContainsKey)).Select(s => ComposeModel.Build(s, files)).ToList();
        return new ComposeProject(files, sets, models, problems);
    }
}
