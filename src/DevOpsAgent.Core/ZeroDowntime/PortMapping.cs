using System.Globalization;
using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace DevOpsAgent.Core.ZeroDowntime;

/// <summary>
/// One published port of a service, uninterpolated: <c>"${HTTP_PORT:-8080}:80"</c>, <c>"127.0.0.1:8080:80/tcp"</c> or
/// the long syntax (<c>target</c>, <c>published</c>, <c>host_ip</c>). <see cref="Host"/> is everything before the
/// container port — what the edge publishes in the entry's place. A bare container port (<c>"80"</c>, a random host
/// port) is not a published endpoint the edge can take over and is left out.
/// </summary>
public sealed record PortMapping(string Raw, string Host, int ContainerPort, string Protocol)
{
    public static IReadOnlyList<PortMapping> All(ComposeService service)
    {
        if (service["ports"] is not YamlSequenceNode list)
        {
            return [];
        }

        var mappings = new List<PortMapping>();
        foreach (var item in list.Children)
        {
            var mapping = item switch
            {
                YamlScalarNode { Value: { } text } => Parse(text),
                YamlMappingNode map => Long(map),
                _ => null,
            };
            if (mapping is not null)
            {
                mappings.Add(mapping);
            }
        }

        return mappings;
    }

    /// <summary>The short syntax; colons inside <c>${…}</c> do not separate parts.</summary>
    public static PortMapping? Parse(string text)
    {
        var protocol = "tcp";
        var body = text;
        var slash = text.LastIndexOf('/');
        if (slash > text.LastIndexOf('}'))
        {
            protocol = text[(slash + 1)..];
            body = text[..slash];
        }

        var cut = -1;
        var depth = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '$' && i + 1 < body.Length && body[i + 1] == '{')
            {
                depth++;
                i++;
            }
            else if (body[i] == '}' && depth > 0)
            {
                depth--;
            }
            else if (body[i] == ':' && depth == 0)
            {
                cut = i;
            }
        }

        if (cut < 0)
        {
            return null;
        }

        var container = body[(cut + 1)..];
        if (!int.TryParse(container, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidInputException($"ports: '{InputText.Quote(text)}': the edge needs one container port (a range or variable cannot be taken over)");
        }

        return new PortMapping(text, body[..cut], port, protocol);
    }

    private static PortMapping? Long(YamlMappingNode map)
    {
        string? Value(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
        var published = Value("published");
        if (published is null || !int.TryParse(Value("target"), NumberStyles.None, CultureInfo.InvariantCulture, out var target))
        {
            return null;
        }

        var host = Value("host_ip") is { Length: > 0 } ip ? $"{ip}:{published}" : published;
        return new PortMapping($"{host}:{target}", host, target, Value("protocol") ?? "tcp");
    }
}
