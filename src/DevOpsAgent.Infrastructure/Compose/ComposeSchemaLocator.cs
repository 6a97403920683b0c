namespace DevOpsAgent.Infrastructure.Compose;

public static class ComposeSchemaLocator
{
    /// <summary>
    /// The compose-spec schema in a <c>shared/conformance</c> folder beside the project or one of its
    /// parents (CI lays it next to the repository); null when there is none.
    /// </summary>
    public static string? Find(string start)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(start)); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "conformance", "compose-spec.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
