using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Quality;
using YamlDotNet.RepresentationModel;
using static DevOpsAgent.Core.Compose.ComposeLint;

namespace DevOpsAgent.Core.Compose;

/// <summary>
/// Secrets written into the compose model: a literal value under a secret name, a password in a URL, and a
/// fallback secret (<c>${ADMIN_PASSWORD:-admin}</c>), which runs production with a known password whenever
/// .env forgets the key. <c>*_FILE: /run/secrets/…</c> points at a secret; it is not one.
/// </summary>
public static class ComposeSecrets
{
    public static IEnumerable<Finding> Run(ComposeFile compose)
    {
        foreach (var service in compose.Services)
        {
            var environment = service["environment"];
            IEnumerable<(string Key, string? Value, YamlNode Node)> variables = environment switch
            {
                YamlMappingNode map => map.Children.Select(c => (Text(c.Key) ?? "", Text(c.Value), c.Value)),
                YamlSequenceNode list => list.Children.OfType<YamlScalarNode>()
                    .Select(s => (s.Value!.Split('=', 2)[0], s.Value.Contains('=', StringComparison.Ordinal) ? s.Value.Split('=', 2)[1] : null, (YamlNode)s)),
                _ => [],
            };
            foreach (var (key, value, node) in variables)
            {
                if (!SecretHeuristics.IsSecretName(key) || string.IsNullOrEmpty(value) || IsSecretReference(key, value))
                {
                    continue;
                }

                if (!value.Contains('$', StringComparison.Ordinal) && !SecretHeuristics.IsPlaceholder(value))
                {
                    yield return Error("compose-literal-secret", compose, node,
                        $"{key} of service {service.Name} is written in the compose file",
                        $"use {key}: ${{{key}:?set {key} in .env}} and put the value in .env");
                }
                else if (FallbackSecret(value) is { } name)
                {
                    yield return Error("compose-fallback-secret", compose, node,
                        $"{key} of service {service.Name} falls back to a value written in the compose file when {name} is unset",
                        $"drop the default: ${{{name}:?set {name} in .env}}");
                }
            }
        }

        foreach (var (scalar, _) in ComposeFile.Scalars(compose.Root))
        {
            if (scalar.Value is { } text && text.Contains("://", StringComparison.Ordinal) && UrlCredentials().Match(text) is { Success: true } match
                && !match.Groups[1].Value.Contains('$', StringComparison.Ordinal))
            {
                yield return Error("compose-literal-secret", compose, scalar,
                    "a URL carries a literal password", "interpolate it: postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/app");
            }
        }
    }

    private static bool IsSecretReference(string key, string value) =>
        key.EndsWith("_FILE", StringComparison.OrdinalIgnoreCase) || value.StartsWith("/run/secrets/", StringComparison.Ordinal)
        || value is "true" or "false" or "True" or "False";

    /// <summary>The variable whose unset value makes the template fall back to a non-empty literal.</summary>
    private static string? FallbackSecret(string value)
    {
        try
        {
            return TemplateVariables.Extract(value)
                .FirstOrDefault(v => v.HasDefault && !v.DefaultValue.Contains('$', StringComparison.Ordinal))?.Name;
        }
        catch (InterpolationException)
        {
            return null;
        }
    }
}
