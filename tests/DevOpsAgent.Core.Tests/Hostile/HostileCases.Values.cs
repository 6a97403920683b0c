using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>Refs, release names, service and environment names, task ids: each refused before anything connects.</summary>
public static partial class HostileCases
{
    private static readonly string TwoMegabytes = new('a', 2 * 1024 * 1024);

    /// <summary>Values no ref, release, task id or name may be; each also tried as a ref and a release.</summary>
    private static readonly (string Name, string Value)[] BadRefs =
    [
        ("semicolon", "v1;rm -rf /"), ("command substitution", "$(reboot)"), ("backticks", "`id`"), ("pipe", "a|b"),
        ("and-and", "a&&b"), ("redirect out", "a>b"), ("redirect in", "a<b"), ("leading dash", "-n"),
        ("option injection", "--upload-pack=touch /tmp/x"), ("double dot", "a..b"), ("space", "a b"), ("newline", "a\nb"),
        ("carriage return", "a\rb"), ("NUL", "a\0b"), ("tab", "a\tb"), ("reflog", "HEAD@{1}"), ("lone at", "@"),
        ("tilde", "a~1"), ("caret", "a^"), ("colon", "a:b"), ("question mark", "a?b"), ("star", "a*b"),
        ("bracket", "a[b"), ("backslash", "a\\b"), ("hidden component", ".hidden"), ("dot lock", "x.lock"),
        ("empty component", "a//b"), ("trailing slash", "trailing/"), ("leading slash", "/leading"),
        ("trailing dot", "trailing."), ("single quotes", "'quoted'"), ("double quotes", "\"dq\""), ("dollar brace", "${HOME}"),
        ("empty", ""), ("300 characters", new string('a', 300)), ("2 MB", TwoMegabytes), ("DEL", "a\u007Fb"),
        ("next line", "a\u0085b"), ("Cyrillic o in v1.0.0", "v1.\u043E.0"), ("Cyrillic s in staging", "\u0455taging"),
        ("Cyrillic e in release", "r\u0435lease"), ("zero-width space", "v1.0.0\u200B"), ("RTL override", "v1.0.0\u202Egnp.exe"),
        ("leading RTL override", "\u202Ev1.0.0"), ("fullwidth dots", "v1\uFF0E0\uFF0E0"), ("no-break space", "v1.0.0\u00A0"),
        ("BOM", "\uFEFFv1.0.0"), ("left-to-right isolate", "v1.0.0\u2066"), ("Arabic-Indic digit", "v\u0661.0.0"),
        ("combining accent", "v1.0.0\u0301"), ("emoji", "v1-\uD83D\uDE00"), ("lone surrogate", "v1-\uD800"),
        ("zero-width joiner", "ma\u200Din"), ("line separator", "a\u2028b"),
    ];

    private static readonly (string Name, string Value)[] BadNames =
    [
        ("semicolon", "a;b"), ("command substitution", "$(id)"), ("leading dash", "-rf"), ("space", "a b"), ("path", "../x"),
        ("newline", "a\nb"), ("leading dot", ".hidden"), ("64 characters", new string('s', 64)), ("Cyrillic s", "\u0455vc"),
        ("RTL override", "web\u202E"), ("2 MB", TwoMegabytes), ("NUL", "a\0b"),
    ];

    private static readonly (string Name, string Value)[] BadEnvironments =
    [
        ("semicolon", "staging;rm -rf /"), ("upper case", "STAGING"), ("path", "../etc"), ("Cyrillic s", "\u0455taging"),
        ("RTL override", "\u202Estaging"), ("newline", "prod\nuction"), ("2 MB", TwoMegabytes), ("NUL", "staging\0"),
    ];

    private static readonly (string Name, string Value)[] BadTasks =
    [
        ("command substitution", "TASK-$(id)"), ("semicolon", "TASK-1;rm"), ("no number", "TASK-"), ("negative", "-1"),
        ("newline", "TASK-1\n"), ("Cyrillic T", "\u0422ASK-1"), ("ten digits", "TASK-1234567890"),
        ("seventeen letters", new string('A', 17) + "-1"), ("2 MB", TwoMegabytes), ("RTL override", "TASK-1\u202E"),
    ];

    private static IEnumerable<HostileCase> Values()
    {
        foreach (var (name, value) in BadRefs)
        {
            yield return new($"deploy --ref: {name}", ExitCodes.InvalidInput, "deploy", "staging", "--ref", value);
        }

        foreach (var (name, value) in BadRefs.Where((_, i) => i % 3 == 0))
        {
            yield return new($"rollback --to: {name}", ExitCodes.InvalidInput, "rollback", "staging", "--to", value);
        }

        foreach (var (name, value) in BadRefs.Where((_, i) => i % 3 == 1))
        {
            yield return new($"diff --from: {name}", ExitCodes.InvalidInput, "diff", "staging", "--from", value);
            yield return new($"diff --to: {name}", ExitCodes.InvalidInput, "diff", "staging", "--to", value);
        }

        foreach (var (name, value) in BadNames)
        {
            yield return new($"logs service: {name}", ExitCodes.InvalidInput, "logs", "staging", value);
        }

        foreach (var (name, value) in BadEnvironments)
        {
            yield return new($"status environment: {name}", ExitCodes.InvalidConfiguration, "status", value);
        }

        foreach (var (name, value) in BadTasks)
        {
            yield return new($"deploy --task: {name}", ExitCodes.InvalidInput, "deploy", "staging", "--task", value);
        }

        // 64 characters is a fine backup file name (they may have 200); every other bad name is bad there too.
        foreach (var (name, value) in BadNames.Where(n => n.Name != "64 characters"))
        {
            yield return new($"restore backup file: {name}", ExitCodes.InvalidInput, "restore", "staging", value + ".dump", "--yes");
        }

        foreach (var (name, value) in BadTasks.Take(4))
        {
            yield return new($"rollback --task: {name}", ExitCodes.InvalidInput, "rollback", "staging", "--task", value);
        }
    }
}
