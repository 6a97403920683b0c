using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.Requirements;

/// <summary>A service's <c>env_file:</c> entry.</summary>
public sealed record EnvFileReference(string ComposeFile, int Line, string Service, string Path);

public sealed record RequiredVariablesReport(IReadOnlyList<RequiredVariable> Variables, IReadOnlyList<EnvFileReference> EnvFiles);

/// <summary>
/// Discovers the variables a project needs and where: compose interpolation, compose <c>environment:</c>
/// pass-through entries and <c>env_file:</c>, Python settings and Vite; then whether .env.example documents each.
/// </summary>
public static class RequiredVariables
{
    /// <summary>
    /// The variables of the compose files the project's sets use (every compose file when no set is
    /// found) and of its application code; documented when a template of a .env file (anywhere, any
    /// name) or a committed .env that holds no real secret lists it.
    /// </summary>
    public static RequiredVariablesReport Discover(ProjectSnapshot project, ComposeProject? compose = null)
    {
        compose ??= ComposeProject.Load(project);
        var uses = new List<(string Name, VariableUse Use)>();
        var envFiles = new List<EnvFileReference>();
        var composeFiles = compose.UsedFiles.Count > 0 ? compose.UsedFiles : [.. compose.Files.Values];
        foreach (var file in composeFiles)
        {
            uses.AddRange(FromCompose(file));
            envFiles.AddRange(EnvFiles(file));
        }

        foreach (var file in project.Files.Where(f => !ComposeFile.IsComposeFileName(f.Path)))
        {
            uses.AddRange(CodeVariableScanner.Scan(file));
        }

        var documented = ExampleFiles.DocumentedKeys(project);
        var variables = uses
            .GroupBy(u => u.Name, StringComparer.Ordinal)
            .Select(g => new RequiredVariable(g.Key, [.. g.Select(u => u.Use).Distinct().OrderBy(u => u.File, StringComparer.Ordinal).ThenBy(u => u.Line)], documented.Contains(g.Key)))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .ToList();
        return new RequiredVariablesReport(variables, envFiles);
    }

    private static IEnumerable<(string, VariableUse)> FromCompose(ComposeFile compose)
    {
        foreach (var (scalar, _) in ComposeFile.Scalars(compose.Root))
        {
            IEnumerable<(TemplateVariable Variable, bool Optional)> variables;
            try
            {
                variables = [.. TemplateVariables.ExtractWithNeed(scalar.Value ?? "")];
            }
            catch (InterpolationException)
            {
                continue;
            }

            foreach (var (variable, optional) in variables)
            {
                var need = variable.Required || !optional ? Need.Required
                    : variable.HasDefault ? Need.Defaulted : Need.Optional;
                yield return (variable.Name, new VariableUse(compose.Path, ComposeFile.Line(scalar), "compose interpolation", need));
            }
        }

        foreach (var service in compose.Services)
        {
            switch (service["environment"])
            {
                case YamlSequenceNode list:
                    foreach (var item in list.Children.OfType<YamlScalarNode>().Where(s => s.Value is { } v && !v.Contains('=', StringComparison.Ordinal)))
                    {
                        yield return (item.Value!, PassThrough(compose, item, service));
                    }

                    break;
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                    {
                        if (value is YamlScalarNode { Value: null or "" } && key is YamlScalarNode { Value: { } name }
                            && value.Tag.IsEmpty && ((YamlScalarNode)value).Style == YamlDotNet.Core.ScalarStyle.Plain)
                        {
                            yield return (name, PassThrough(compose, key, service));
                        }
                    }

                    break;
            }
        }
    }

    private static VariableUse PassThrough(ComposeFile compose, YamlNode node, ComposeService service) =>
        new(compose.Path, ComposeFile.Line(node), $"compose environment of {service.Name} (passed through)", Need.Required);

    private static IEnumerable<EnvFileReference> EnvFiles(ComposeFile compose)
    {
        foreach (var service in compose.Services)
        {
            var node = service["env_file"];
            IEnumerable<YamlNode> entries = node switch
            {
                YamlScalarNode scalar => [scalar],
                YamlSequenceNode list => list.Children,
                _ => [],
            };
            foreach (var entry in entries)
            {
                var path = entry switch
                {
                    YamlScalarNode scalar => scalar.Value,
                    YamlMappingNode map when map.Children.TryGetValue(new YamlScalarNode("path"), out var p) => (p as YamlScalarNode)?.Value,
                    _ => null,
                };
                if (path is not null)
                {
                    yield return new EnvFileReference(compose.Path, ComposeFile.Line(entry), service.Name, path);
                }
            }
        }
    }
}
