using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Hostile;

/// <summary>The table of hostile inputs: every case by its name, so a regression fails with the case that broke.</summary>
public static partial class HostileCases
{
    // Lazy: static fields of partial classes initialise in no defined order across files.
    private static readonly Lazy<Dictionary<string, HostileCase>> Table = new(Build);

    public static IReadOnlyDictionary<string, HostileCase> All => Table.Value;

    public static TheoryData<string> Names => [.. All.Keys];

    private static Dictionary<string, HostileCase> Build()
    {
        var all = new Dictionary<string, HostileCase>(StringComparer.Ordinal);
        foreach (var hostile in Values().Concat(Configs()).Concat(Dotenvs()).Concat(Messages()).Concat(Options()))
        {
            all.Add(hostile.Name, hostile);
        }

        return all;
    }

    private static IEnumerable<HostileCase> Options()
    {
        (string Name, int Code, string[] Arguments)[] options =
        [
            ("unknown flag", ExitCodes.Usage, ["deploy", "staging", "--bogus"]),
            ("unknown root flag", ExitCodes.Usage, ["--frobnicate", "status", "staging"]),
            ("a word before the verb", ExitCodes.Usage, ["typo", "status", "staging"]),
            ("a bare option-like word", ExitCodes.Usage, ["--frobnicate"]),
            ("unknown verb", ExitCodes.Usage, ["deplyo"]),
            ("no arguments at all", ExitCodes.Usage, []),
            ("missing value", ExitCodes.Usage, ["deploy", "staging", "--ref"]),
            ("missing environment", ExitCodes.Usage, ["deploy"]),
            ("missing environment for rollback", ExitCodes.Usage, ["rollback"]),
            ("missing backup file", ExitCodes.Usage, ["restore", "staging"]),
            ("extra argument", ExitCodes.Usage, ["deploy", "staging", "extra"]),
            ("--lock-wait -1", ExitCodes.Usage, ["deploy", "staging", "--lock-wait", "-1"]),
            ("--lock-wait a word", ExitCodes.Usage, ["deploy", "staging", "--lock-wait", "soon"]),
            ("--lock-wait 99999999999", ExitCodes.Usage, ["deploy", "staging", "--lock-wait", "99999999999"]),
            ("--lock-wait a week", ExitCodes.Usage, ["deploy", "staging", "--lock-wait", "604800"]),
            ("--limit 999999999999", ExitCodes.Usage, ["history", "--limit", "999999999999"]),
            ("--limit -5", ExitCodes.Usage, ["history", "--limit", "-5"]),
            ("--limit 0", ExitCodes.Usage, ["history", "--limit", "0"]),
            ("--limit missing", ExitCodes.Usage, ["history", "--limit"]),
            ("--limit 1e3", ExitCodes.Usage, ["history", "-n", "1e3"]),
            ("--tail -1", ExitCodes.Usage, ["logs", "staging", "--tail", "-1"]),
            ("--tail huge", ExitCodes.Usage, ["logs", "staging", "--tail", "2147483648"]),
            ("--stale-after -1", ExitCodes.Usage, ["lock", "status", "staging", "--stale-after", "-1"]),
            ("--stale-after a word", ExitCodes.Usage, ["lock", "status", "staging", "--stale-after", "abc"]),
            ("--stale-after zero", ExitCodes.Usage, ["lock", "release", "staging", "--stale-after", "00:00:00"]),
            ("--force with a value", ExitCodes.Usage, ["lock", "release", "staging", "--force=maybe"]),
            ("--dry-run with a value", ExitCodes.Usage, ["deploy", "staging", "--dry-run=abc"]),
            ("lock without a subcommand", ExitCodes.Usage, ["lock"]),
            ("env without a subcommand", ExitCodes.Usage, ["env", "frobnicate"]),
            ("mcp with an unknown flag", ExitCodes.Usage, ["mcp", "--bogus"]),
            ("2 MB unknown option", ExitCodes.Usage, ["status", "staging", "--" + TwoMegabytes]),
            ("bidi in an unknown option", ExitCodes.Usage, ["status", "staging", "--ref\u202E"]),
            ("empty --override-preflight", ExitCodes.Usage, ["deploy", "staging", "--override-preflight", " "]),
            ("--history in a missing folder", ExitCodes.InvalidConfiguration, ["history", "--history", "/nonexistent/dir/x.db"]),
            ("--history is a folder", ExitCodes.InvalidConfiguration, ["history", "--history", "{project}"]),
            ("--history is not a database", ExitCodes.InvalidConfiguration, ["history", "--history", "{project}/.env.example"]),
            ("check -C a missing folder", ExitCodes.InvalidInput, ["check", "-C", "/missing-hostile-dir"]),
            ("env check -C a missing folder", ExitCodes.InvalidInput, ["env", "check", "-C", "/missing-hostile-dir"]),
            ("env check without .env.example", ExitCodes.InvalidInput, ["env", "check", "-C", "{root}/outside"]),
            ("restore without --yes", ExitCodes.ConfirmationRequired, ["restore", "staging", "staging-20260101-0001.dump"]),
            ("restore a bad service", ExitCodes.InvalidInput, ["restore", "staging", "staging-20260101-0001.dump", "--service", "db;rm", "--yes"]),
        ];
        return options.Select(o => new HostileCase($"option: {o.Name}", o.Code, o.Arguments));
    }
}
