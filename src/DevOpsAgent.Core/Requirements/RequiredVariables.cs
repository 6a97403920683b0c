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

        var documented = ExampleFiles.DocumentedKeys(project, envFiles.Select(e => NormalizePath(e.ComposeFile, e.Path)));
        // A value compose itself sets (environment: KEY: value) reaches the code without any .env.
        documented.UnionWith(composeFiles.SelectMany(LiteralEnvironment));
        documented.UnionWith(project.Files.Where(f => f.Name.StartsWith("Dockerfile", StringComparison.Ordinal)).SelectMany(DockerfileEnvironment));
        var variables = uses
            .GroupBy(u => u.Name, StringComparer.Ordinal)
            .Select(g => new RequiredVariable(g.Key, [.. g.Select(u => u.Use).Distinct().OrderBy(u => u.File, StringComparer.Ordinal).ThenBy(u => u.Line)], documented.Contains(g.Key)))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .ToList();
        return new RequiredVariablesReport(variables, envFiles);
    }

    /// <summary>An env_file path as a project path: relative to the compose file's folder, without ./</summary>
    private static string NormalizePath(string composeFile, string path)
    {
        var folder = System.IO.Path.GetDirectoryName(composeFile) ?? "";
        var combined = System.IO.Path.Combine(folder, path).Replace('\\', '/');
        var parts = new List<string>();
        foreach (var part in combined.Split('/'))
        {
            if (part == ".." && parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part is not ("." or "" or ".."))
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
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
            // The postgres image refuses to start without a password; a service that sets none in
            // environment: expects it from its env_file.
            if (ComposeLint.Text(service["image"]) is { } image && image.Split(':')[0].EndsWith("postgres", StringComparison.Ordinal)
                && !SetsVariable(service, "POSTGRES_PASSWORD") && !SetsVariable(service, "POSTGRES_PASSWORD_FILE") && !SetsVariable(service, "POSTGRES_HOST_AUTH_METHOD")
                && service["env_file"] is not null)
            {
                yield return ("POSTGRES_PASSWORD", new VariableUse(compose.Path, service.Line, $"the postgres image of {service.Name} (from its env_file)", Need.Required));
            }

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

    /// <summary>
    /// <c>URL: https://${DOMAIN}</c> and <c>SERVER_NAME: ${DOMAIN}</c> give the key a value of compose's own;
    /// <c>API_TOKEN: ${API_TOKEN}</c> only passes the same variable on.
    /// </summary>
    private static bool Supplies(string key, string value) => value.Length > 0 && (
        System.Text.RegularExpressions.Regex.Replace(value, @"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*", "").Trim().Length > 0
        || !TemplateVariables.Extract(SafeTemplate(value)).Any(v => v.Name == key));

    private static string SafeTemplate(string value)
    {
        try
        {
            _ = TemplateVariables.Extract(value).ToList();
            return value;
        }
        catch (InterpolationException)
        {
            return "";
        }
    }

    /// <summary><c>ENV KEY=value</c> and <c>ENV KEY value</c> in a Dockerfile: the image itself supplies KEY.</summary>
    private static IEnumerable<string> DockerfileEnvironment(ProjectFile dockerfile)
    {
        foreach (var raw in dockerfile.Content.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = line[4..].Trim();
            if (!rest.Contains('=', StringComparison.Ordinal))
            {
                yield return rest.Split(' ', 2)[0];
                continue;
            }

            // ENV X=$X only hands a build argument on: it supplies nothing of its own.
            foreach (var pair in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2))
            {
                if (Supplies(pair[0], pair[1].Trim('"', '\'')))
                {
                    yield return pair[0];
                }
            }
        }
    }

    private static bool SetsVariable(ComposeService service, string name) => service["environment"] switch
    {
        YamlMappingNode map => map.Children.ContainsKey(new YamlScalarNode(name)),
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Any(s => s.Value is { } v && (v == name || v.StartsWith(name + "=", StringComparison.Ordinal))),
        _ => false,
    };

    private static IEnumerable<string> LiteralEnvironment(ComposeFile compose) =>
        compose.Services.SelectMany(service => service["environment"] switch
        {
            YamlMappingNode map => map.Children.Where(c => c.Value is YamlScalarNode { Value: { } v } && Supplies((c.Key as YamlScalarNode)?.Value ?? "", v)).Select(c => (c.Key as YamlScalarNode)?.Value),
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Where(s => s.Value?.Split('=', 2) is [var k, var v] && Supplies(k, v)).Select(s => s.Value!.Split('=')[0]),
            _ => [],
        }).OfType<string>();

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
