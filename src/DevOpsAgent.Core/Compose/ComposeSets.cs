using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// The compose files one <c>docker compose -f … -f …</c> merges. <see cref="Deployed"/> is false for the
/// local development set when devops-agent.yml names what the environments deploy.
/// </summary>
public sealed record ComposeSet(string Name, IReadOnlyList<string> Files, bool IsProduction, bool Deployed = true)
{
    public static ComposeSet Of(IReadOnlyList<string> files, bool production, bool deployed = true) =>
        new(string.Join(" + ", files), files, production, deployed);
}

/// <summary>
/// Which compose sets a project runs. With a devops-agent.yml, each environment's <c>compose_files</c>
/// (production: an environment deployed from a tag, with a pre-flight, or named prod/production), plus
/// compose's default pair for local development. Without one, compose's own default discovery
/// (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml and the matching override), and
/// as a guess each root file named like production (docker-compose.prod.yml), merged over the default
/// file when it only overrides some of its services.
/// </summary>
public static class ComposeSets
{
    public const string ConfigFile = "devops-agent.yml";

    private static readonly string[] DefaultNames = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];

    public static IReadOnlyList<ComposeSet> Discover(ProjectSnapshot project, IReadOnlyDictionary<string, ComposeFile> parsed)
    {
        var development = DefaultSet(project);
        if ((project.ConfiguredSets ?? FromConfig(project)) is { Count: > 0 } configured)
        {
            return development is null || configured.Any(s => s.Files.SequenceEqual(development))
                ? configured
                : [.. configured, ComposeSet.Of(development, production: false, deployed: false)];
        }

        var sets = new List<ComposeSet>();
        if (development is not null)
        {
            sets.Add(ComposeSet.Of(development, production: false));
        }

        foreach (var file in project.Files.Where(f => !f.Path.Contains('/', StringComparison.Ordinal) && ComposeFile.IsComposeFileName(f.Path) && LooksProduction(f.Path)))
        {
            var overlay = development is not null && parsed.TryGetValue(file.Path, out var prod) && parsed.TryGetValue(development[0], out var baseFile)
                && IsOverlay(prod, baseFile);
            sets.Add(ComposeSet.Of(overlay ? [development![0], file.Path] : [file.Path], production: true));
        }

        return sets;
    }

    /// <summary>The base file and its override, as <c>docker compose</c> with no -f finds them.</summary>
    public static IReadOnlyList<string>? DefaultSet(ProjectSnapshot project)
    {
        var baseName = DefaultNames.FirstOrDefault(name => project.Find(name) is not null);
        if (baseName is null)
        {
            return null;
        }

        var stem = baseName[..baseName.LastIndexOf('.')];
        var over = new[] { $"{stem}.override.yaml", $"{stem}.override.yml" }.FirstOrDefault(name => project.Find(name) is not null);
        return over is null ? [baseName] : [baseName, over];
    }

    private static bool LooksProduction(string path)
    {
        var name = path.ToLowerInvariant();
        return name.Contains(".prod", StringComparison.Ordinal) || name.Contains("-prod", StringComparison.Ordinal)
            || name.Contains(".deploy.", StringComparison.Ordinal);
    }

    /// <summary>An override names a service of the base file without saying how to build or pull it.</summary>
    private static bool IsOverlay(ComposeFile candidate, ComposeFile baseFile)
    {
        var baseServices = baseFile.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return candidate.Services.Any(s => baseServices.Contains(s.Name) && s["image"] is null && s["build"] is null && s["extends"] is null);
    }

    /// <summary>The sets of a loaded configuration: production is an environment with a pre-flight or named prod/production.</summary>
    public static IReadOnlyList<ComposeSet> FromAgentConfig(Configuration.AgentConfig config) =>
    [
        .. config.Environments.Values
            .GroupBy(e => string.Join('\n', e.ComposeFiles))
            .Select(g => ComposeSet.Of([.. g.First().ComposeFiles.Select(p => p.StartsWith("./", StringComparison.Ordinal) ? p[2..] : p)],
                g.Any(e => e.PreflightTestedOn is not null || e.Name is "production" or "prod"))),
    ];

    /// <summary>The environments' compose sets from devops-agent.yml, read without validating the rest of it.</summary>
    public static IReadOnlyList<ComposeSet>? FromConfig(ProjectSnapshot project)
    {
        if (project.Find(ConfigFile) is not { } file)
        {
            return null;
        }

        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(file.Content));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }

        if (root is null || ComposeLint.Get(root, "environments") is not YamlMappingNode environments)
        {
            return null;
        }

        var shared = Strings(ComposeLint.Get(root, "compose_files"));
        var sets = new List<ComposeSet>();
        foreach (var (key, node) in environments.Children)
        {
            var name = ComposeLint.Text(key) ?? "";
            var own = Strings(ComposeLint.Get(node, "compose_files"));
            IReadOnlyList<string> files = own.Count > 0 ? own : shared.Count > 0 ? shared : ["docker-compose.yml"];
            var production = ComposeLint.Get(node, "tag") is not null || ComposeLint.Get(node, "preflight") is not null
                || name is "production" or "prod";
            var index = sets.FindIndex(s => s.Files.SequenceEqual(files));
            if (index >= 0)
            {
                sets[index] = sets[index] with { IsProduction = sets[index].IsProduction || production };
            }
            else
            {
                sets.Add(ComposeSet.Of(files, production));
            }
        }

        return sets;
    }

    private static List<string> Strings(YamlNode? node) =>
        [.. ComposeLint.Items(node).Select(ComposeLint.Text).OfType<string>().Select(Expand).Select(p => p.StartsWith("./", StringComparison.Ordinal) ? p[2..] : p)];

    /// <summary><c>${VAR:-default}</c> in a path, as the configuration loader expands it, when VAR is unset.</summary>
    private static string Expand(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", m => m.Groups[1].Value);
}
