using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>.env files for env push and env diff, and Orchestrator messages: refused before anything connects.</summary>
public static partial class HostileCases
{
    private static readonly (string Name, byte[] Content)[] BadDotenvs =
    [
        ("NUL in a value", Utf8("A=1\nSECRET_KEY=ab\0cd\n")),
        ("invalid UTF-8", [.. Utf8("A=1\nB="), 0xFF, 0xFE, .. Utf8("\n")]),
        ("overlong UTF-8", [.. Utf8("A="), 0xC0, 0xAF, .. Utf8("\n")]),
        ("duplicate key", Utf8("A=1\nB=2\nA=3\n")),
        ("dash in a key", Utf8("A-B=1\n")),
        ("dot in a key", Utf8("a.b=1\n")),
        ("key starting with a digit", Utf8("1A=x\n")),
        ("space in a key", Utf8("A B=1\n")),
        ("non-ASCII key", Utf8("\u00C4BC=1\n")),
        ("Cyrillic key", Utf8("\u0405ECRET_KEY=1\n")),
        ("RTL override in a key", Utf8("A\u202E=1\n")),
        ("shell in a key", Utf8("$(id)=1\n")),
        ("unterminated quote", Utf8("A=\"never closed\n")),
        ("bad interpolation", Utf8("A=${B:?must be set}\n")),
        ("2 MB", Utf8("A=" + new string('x', 2 * 1024 * 1024) + "\n")),
        ("1 MiB and one byte", Utf8("A=" + new string('x', (1024 * 1024) - 2) + "\n")),
        ("CRLF with a NUL", Utf8("A=1\r\nB=\0\r\n")),
        ("BOM then invalid UTF-8", [0xEF, 0xBB, 0xBF, .. Utf8("A=1\nB="), 0x80, .. Utf8("\n")]),
        ("a 200-character key", Utf8(new string('K', 200) + "=1\n")),
        ("900 KB of unclosed braces", Utf8("A=" + string.Concat(Enumerable.Repeat("${", 450_000)) + "\n")),
        ("900 KB of backslashes in an unterminated quote", Utf8("A=\"" + new string('\\', 900_000) + "\n")),
        ("50,000 keys, the last one bad", Utf8(string.Concat(Enumerable.Range(0, 50_000).Select(i => $"K{i}=v\n")) + "BAD KEY=1\n")),
    ];

    private static IEnumerable<HostileCase> Dotenvs()
    {
        foreach (var (name, content) in BadDotenvs)
        {
            yield return new HostileCase($"env push: {name}", ExitCodes.InvalidInput, "env", "push", "staging", "-C", "{project}", "--env-file", "bad.env")
                .With("project/bad.env", content);
        }

        foreach (var (name, content) in BadDotenvs.Take(4))
        {
            yield return new HostileCase($"env diff: {name}", ExitCodes.InvalidInput, "env", "diff", "staging", "-C", "{project}", "--env-file", "bad.env")
                .With("project/bad.env", content);
        }

        string[] push = ["env", "push", "staging", "-C", "{project}", "--env-file"];
        yield return new($"env push --env-file: /etc/shadow", ExitCodes.InvalidInput, [.. push, "/etc/shadow"]);
        yield return new($"env push --env-file: /etc/passwd", ExitCodes.InvalidInput, [.. push, "/etc/passwd"]);
        yield return new($"env push --env-file: /dev/zero", ExitCodes.InvalidInput, [.. push, "/dev/zero"]);
        yield return new($"env push --env-file: a file outside by ..", ExitCodes.InvalidInput, [.. push, "../outside/secret.env"]);
        yield return new($"env push --env-file: a file outside by absolute path", ExitCodes.InvalidInput, [.. push, "{root}/outside/secret.env"]);
        yield return new HostileCase($"env push --env-file: a symbolic link to /etc/passwd", ExitCodes.InvalidInput, [.. push, "link.env"])
            .WithLink("project/link.env", "/etc/passwd");
        yield return new HostileCase($"env push --env-file: a symbolic link out of the project", ExitCodes.InvalidInput, [.. push, "link.env"])
            .WithLink("project/link.env", "{root}/outside/secret.env");
        yield return new HostileCase($"env push --env-file: a file under a linked folder", ExitCodes.InvalidInput, [.. push, "linked/secret.env"])
            .WithLink("project/linked", "{root}/outside");
        yield return new HostileCase($"env push --env-file: a folder", ExitCodes.InvalidInput, [.. push, "sub"]).With("project/sub/x", "x");
        yield return new($"env push --env-file: missing", ExitCodes.InvalidInput, [.. push, "missing.env"]);
        yield return new($"env push --env-file: empty", ExitCodes.InvalidInput, [.. push, ""]);
        yield return new($"env push --env-file: 2 MB name", ExitCodes.InvalidInput, [.. push, TwoMegabytes]);
        yield return new($"env push -C: missing folder", ExitCodes.InvalidInput, "env", "push", "staging", "-C", "/missing-hostile-dir");
    }

    private static IEnumerable<HostileCase> Messages()
    {
        (string Name, int Code, string Message)[] messages =
        [
            ("empty", ExitCodes.InvalidInput, ""),
            ("blank", ExitCodes.InvalidInput, "   "),
            ("newline", ExitCodes.InvalidInput, "DevOps Agent [CONSULT]: staging status\nrm -rf /"),
            ("RTL override", ExitCodes.InvalidInput, "DevOps Agent [CONSULT]: \u202Esutats gnigats"),
            ("Cyrillic letter", ExitCodes.InvalidInput, "DevOps Agent [EXECUTE TASK-045]: deploy v1.0.0 to \u0455taging"),
            ("zero-width space", ExitCodes.InvalidInput, "DevOps Agent [CONSULT]: staging\u200B status"),
            ("NUL", ExitCodes.InvalidInput, "DevOps Agent [CONSULT]: staging\0status"),
            ("2 MB", ExitCodes.InvalidInput, "DevOps Agent [CONSULT]: " + TwoMegabytes),
            ("another agent", ExitCodes.Refused, "Database Agent [CONSULT]: schema?"),
            ("EXECUTE without a task", ExitCodes.Refused, "DevOps Agent [EXECUTE]: deploy feature to staging"),
            ("unknown mode", ExitCodes.Refused, "DevOps Agent [DESTROY]: everything"),
            ("nothing after the header", ExitCodes.InvalidInput, "DevOps Agent [EXECUTE TASK-045]:"),
            ("shell in the task id", ExitCodes.InvalidInput, "DevOps Agent [EXECUTE TASK-$(id)]: deploy feature to staging"),
            ("no header", ExitCodes.Refused, "deploy feature to staging"),
        ];
        foreach (var (name, code, message) in messages)
        {
            yield return new($"execute message: {name}", code, "execute", message);
        }

        yield return new("consult message: an EXECUTE", ExitCodes.Refused, "consult", "DevOps Agent [EXECUTE TASK-045]: deploy feature to staging");
        yield return new("consult message: not a question", ExitCodes.Refused, "consult", "DevOps Agent [CONSULT]: frobnicate the quux");
        yield return new("bare message: another agent", ExitCodes.Refused, "Frontend Agent [CONSULT]: colours?");
        yield return new("execute: no message", ExitCodes.Usage, "execute");
        yield return new("execute: argument and --file", ExitCodes.Usage, "execute", "x", "--file", "{project}/.env");
        yield return new("execute --file: missing", ExitCodes.InvalidInput, "execute", "--file", "{root}/missing.txt");
        yield return new("execute --file: a folder", ExitCodes.InvalidInput, "execute", "--file", "{project}");
        yield return new("execute --file: /dev/zero", ExitCodes.InvalidInput, "execute", "--file", "/dev/zero");
        yield return new HostileCase("execute --file: invalid UTF-8", ExitCodes.InvalidInput, "execute", "--file", "{project}/m.txt")
            .With("project/m.txt", [.. Utf8("DevOps Agent [CONSULT]: st"), 0xFF, .. Utf8("aging status\n")]);
        yield return new("execute: stdin empty", ExitCodes.InvalidInput, "execute", "-");
    }
}
