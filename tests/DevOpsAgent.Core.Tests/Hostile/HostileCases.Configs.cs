using System.Text;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>devops-agent.yml files that must be refused (exit 3) quickly, naming the file, path and line.</summary>
public static partial class HostileCases
{
    private const string Environments = """
        environments:
          staging:
            server: 127.0.0.1
            port: 1
            user: deploy
            path: /srv/shop
            branch: staging

        """;

    private static string Valid(string project = "shop", string extra = "") =>
        $"project: {project}\nrepository: /nowhere/shop.git\n{extra}{Environments}";

    /// <summary>The billion laughs: nine levels of nine aliases each, 9^9 nodes from a few hundred bytes.</summary>
    private static string BillionLaughs()
    {
        var yaml = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        }

        return yaml.ToString();
    }

    /// <summary>Under the alias count (three per level) but still exponential: 3^30 nodes, caught by the expansion budget.</summary>
    private static string NarrowBomb()
    {
        var yaml = new StringBuilder(Valid()).Append("l0: &l0 [lol]\n");
        for (var level = 1; level <= 30; level++)
        {
            yaml.Append($"l{level}: &l{level} [*l{level - 1}, *l{level - 1}, *l{level - 1}]\n");
        }

        return yaml.ToString();
    }

    private static readonly (string Name, byte[] Content)[] BadConfigs =
    [
        ("anchor bomb (billion laughs)", Utf8(Valid() + BillionLaughs())),
        ("anchor bomb under the alias count", Utf8(NarrowBomb())),
        ("200 harmless aliases", Utf8(Valid() + "a: &a x\nb: [" + string.Join(", ", Enumerable.Repeat("*a", 200)) + "]\n")),
        ("nesting 10,000 deep", Utf8(new string('[', 10_000) + new string(']', 10_000))),
        ("nested mappings 200 deep", Utf8(string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i * 2) + "k:\n")))),
        ("2 MB file", Utf8(Valid() + "# " + new string('x', 2 * 1024 * 1024) + "\n")),
        ("500 KB project name", Utf8(Valid(new string('a', 500_000)))),
        ("101-character project name", Utf8(Valid(new string('a', 101)))),
        ("5,000-character branch", Utf8(Valid().Replace("branch: staging", "branch: " + new string('b', 5000), StringComparison.Ordinal))),
        ("unknown top-level key", Utf8(Valid(extra: "servers: [a]\n"))),
        ("unknown environment key", Utf8(Valid().Replace("user: deploy", "user: deploy\n    sudo: true", StringComparison.Ordinal))),
        ("100,000-character unknown key", Utf8(Valid(extra: new string('k', 100_000) + ": 1\n"))),
        ("environments is a string", Utf8("project: shop\nrepository: /r\nenvironments: staging\n")),
        ("environments is empty", Utf8("project: shop\nrepository: /r\nenvironments: {}\n")),
        ("port is a word", Utf8(Valid().Replace("port: 1", "port: abc", StringComparison.Ordinal))),
        ("port is negative", Utf8(Valid().Replace("port: 1", "port: -1", StringComparison.Ordinal))),
        ("port is huge", Utf8(Valid().Replace("port: 1", "port: 99999999999", StringComparison.Ordinal))),
        ("port is a list", Utf8(Valid().Replace("port: 1", "port: [1, 2]", StringComparison.Ordinal))),
        ("tab indentation", Utf8("project: shop\nrepository: /r\nenvironments:\n\tstaging:\n\t\tserver: x\n")),
        ("duplicate key", Utf8("project: shop\nproject: other\n" + Environments)),
        ("invalid UTF-8", [.. Utf8("project: sh"), 0xC3, 0x28, .. Utf8("op\nrepository: /r\n" + Environments)]),
        ("NUL byte", Utf8("project: shop\0\nrepository: /r\n" + Environments)),
        ("only a BOM", [0xEF, 0xBB, 0xBF]),
        ("a scalar document", Utf8("just a string\n")),
        ("a list document", Utf8("- project\n- shop\n")),
        ("Cyrillic environment name", Utf8(Valid().Replace("  staging:", "  \u0455taging:", StringComparison.Ordinal))),
        ("RTL override in the project name", Utf8(Valid("shop\u202E"))),
        ("command substitution in branch", Utf8(Valid().Replace("branch: staging", "branch: \"$(reboot)\"", StringComparison.Ordinal))),
        ("Cyrillic letter in tag", Utf8(Valid().Replace("branch: staging", "tag: v1.\u043E.0", StringComparison.Ordinal))),
        ("unset variable", Utf8(Valid().Replace("server: 127.0.0.1", "server: ${DEVOPS_AGENT_HOSTILE_UNSET_9X}", StringComparison.Ordinal))),
        ("merge key", Utf8("base: &base {user: deploy}\n" + Valid().Replace("user: deploy", "<<: *base", StringComparison.Ordinal))),
        ("unterminated quote", Utf8("project: \"shop\nrepository: /r\n")),
        ("control character in a scalar", Utf8(Valid("sh\u0007op"))),
        ("20,000 unknown keys", Utf8(Valid(extra: string.Concat(Enumerable.Range(0, 20_000).Select(i => $"k{i}: v\n"))))),
        ("relative path", Utf8(Valid().Replace("path: /srv/shop", "path: srv/shop", StringComparison.Ordinal))),
    ];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<HostileCase> Configs()
    {
        foreach (var (name, content) in BadConfigs)
        {
            yield return new HostileCase($"config: {name}", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "{project}/bad.yml")
                .With("project/bad.yml", content);
        }

        yield return new("config: /dev/null", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "/dev/null");
        yield return new("config: a directory", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "{project}");
        yield return new("config: missing file", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "{root}/missing.yml");
        yield return new("config: empty path", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "");
        yield return new("config: /dev/zero", ExitCodes.InvalidConfiguration, "status", "staging", "--config", "/dev/zero");
    }
}
