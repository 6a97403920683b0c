namespace DevOpsAgent.Core.Tests;

/// <summary>Files of this repository, found by walking up from the test binaries to the folder holding the solution.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DevOpsAgent.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DevOpsAgent.slnx not found above " + AppContext.BaseDirectory);
    }
}
