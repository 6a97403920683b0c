using System.CommandLine;
using System.Globalization;
using DevOpsAgent.Cli.Output;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Releases;

namespace DevOpsAgent.Cli.Commands;

/// <summary>`devops-agent diff`: what changes between two releases of an environment, read-only on its server.</summary>
public static class DiffCommand
{
    public static Command Create(CliConsole console)
    {
        var environment = CommonOptions.EnvironmentArgument();
        var from = new Option<string?>("--from") { Description = "A release (version, tag, branch or commit prefix); default: the live release when --to names another, else the one before it." };
        var to = new Option<string?>("--to") { Description = "A release, as --from; default: the live release." };
        var command = new Command("diff", "The diff between two releases: commits, migration files, compose files and .env.example keys (never values).")
        {
            environment, from, to,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // Everything the user typed is validated before the config's server is connected to.
            var fromRef = parseResult.GetValue(from) is { } f ? GitRef.Parse(f) : null;
            var toRef = parseResult.GetValue(to) is { } t ? GitRef.Parse(t) : null;
            var services = new AgentServices(parseResult);
            var target = services.Config.Environment(parseResult.GetValue(environment)!);
            ReleaseDiff diff;
            await using (var runner = await services.ConnectAsync(target, cancellationToken))
            {
                var served = await ReleaseDiffReader.ReleasesAsync(runner, target, cancellationToken);
                diff = await ReleaseDiffReader.ReadAsync(runner, target, services.Config.Migrations?.Versions, served, fromRef, toRef, cancellationToken);
            }

            if (parseResult.GetValue(CommonOptions.Json))
            {
                JsonOutput.Write(console, diff);
            }
            else
            {
                Write(console.Out, diff);
            }

            return 0;
        });
        return command;
    }

    private static void Write(TextWriter o, ReleaseDiff diff)
    {
        o.WriteLine($"{diff.Environment}: {diff.From.Label} ({diff.From.ShortCommit}) → {diff.To.Label} ({diff.To.ShortCommit})");
        WriteCommits(o, $"Commits ({diff.Commits.Count}{(diff.CommitsTruncated ? "+" : "")})", diff.Commits);
        if (diff.CommitsOnlyInFrom.Count > 0)
        {
            WriteCommits(o, $"Commits of {diff.From.Label} that {diff.To.Label} does not have ({diff.CommitsOnlyInFrom.Count})", diff.CommitsOnlyInFrom);
        }

        if (diff.MigrationsFolder is { } folder)
        {
            WriteFiles(o, $"Migrations ({folder})", diff.Migrations);
        }

        WriteFiles(o, "Compose files", diff.ComposeFiles);
        var keys = diff.EnvKeys;
        o.WriteLine(keys switch
        {
            { Problem: { } problem } => $".env.example keys: could not be compared: {problem}",
            { Added.Count: 0, Removed.Count: 0 } => ".env.example keys: no change",
            _ => $".env.example keys: added {List(keys.Added)}; removed {List(keys.Removed)}",
        });
        o.WriteLine(diff.Summary);
    }

    private static void WriteCommits(TextWriter o, string title, IReadOnlyList<CommitInfo> commits)
    {
        o.WriteLine($"{title}:");
        foreach (var c in commits)
        {
            o.WriteLine($"  {c.Sha[..12]} {c.Date.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} {c.Author}: {c.Subject}");
        }

        if (commits.Count == 0)
        {
            o.WriteLine("  none");
        }
    }

    private static void WriteFiles(TextWriter o, string title, IReadOnlyList<FileChange> files)
    {
        o.WriteLine(files.Count == 0 ? $"{title}: no change" : $"{title}:");
        foreach (var file in files)
        {
            o.WriteLine($"  {ReleaseDiff.Word(file.Change),-8} {file.Path}");
        }
    }

    private static string List(IReadOnlyList<string> keys) => keys.Count == 0 ? "none" : string.Join(", ", keys);
}
