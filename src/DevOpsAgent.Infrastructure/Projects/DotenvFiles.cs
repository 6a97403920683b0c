using DevOpsAgent.Core.Dotenv;

namespace DevOpsAgent.Infrastructure.Projects;

public static class DotenvFiles
{
    /// <summary>The parsed file, or null when it does not exist. Parse errors name the path and line.</summary>
    public static async Task<DotenvFile?> LoadAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var full = Path.Combine(root, relativePath);
        return File.Exists(full)
            ? DotenvParser.Parse(await File.ReadAllTextAsync(full, cancellationToken), relativePath)
            : null;
    }
}
