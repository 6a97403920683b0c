using DevOpsAgent.Core.Scaffold;

namespace DevOpsAgent.Infrastructure.Projects;

/// <summary>What <c>init</c> did to each path.</summary>
public sealed record ScaffoldReport(IReadOnlyList<string> Created, IReadOnlyList<string> Overwritten, IReadOnlyList<string> Skipped, IReadOnlyList<string> GitignoreAdded);

/// <summary>Writes the scaffold into a project: existing files are kept (listed as skipped) unless forced.</summary>
public static class ScaffoldWriter
{
    public static async Task<ScaffoldReport> WriteAsync(string root, IReadOnlyList<ScaffoldFile> files, bool force, CancellationToken cancellationToken)
    {
        List<string> created = [], overwritten = [], skipped = [];
        foreach (var file in files)
        {
            var full = Path.Combine(root, file.Path);
            var exists = File.Exists(full);
            if (exists && !force)
            {
                skipped.Add(file.Path);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, file.Content, cancellationToken);
            (exists ? overwritten : created).Add(file.Path);
        }

        // .gitignore is completed rather than replaced: the project's own entries stay.
        var gitignore = Path.Combine(root, ".gitignore");
        var existing = File.Exists(gitignore) ? await File.ReadAllTextAsync(gitignore, cancellationToken) : null;
        IReadOnlyList<string> added = [];
        if (ProjectScaffold.WithGitignoreEntries(existing) is { } update)
        {
            await File.WriteAllTextAsync(gitignore, update.Content, cancellationToken);
            added = update.Added;
        }

        return new ScaffoldReport(created, overwritten, skipped, added);
    }
}
