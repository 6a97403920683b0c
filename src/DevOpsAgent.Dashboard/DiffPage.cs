using System.Globalization;
using System.Text;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Releases;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

/// <summary>
/// The diff between two releases of an environment: a form to pick them among the releases its server recorded, then
/// the commits, migration files, compose files and the names of the .env.example keys added and removed. The model
/// holds no value of the template, so none can be rendered. A pure function of what was read.
/// </summary>
public static class DiffPage
{
    public static string Render(EnvironmentConfig environment, ServedReleases? served, string? from, string? to, Panel<ReleaseDiff> diff)
    {
        var name = Uri.EscapeDataString(environment.Name);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Release diff · <a href=\"/environments/{name}\">{E(environment.Name)}</a></h1>");
        Form(body, name, served, diff.Value?.From.Commit ?? from, diff.Value?.To.Commit ?? to);

        switch (diff)
        {
            case { Error: { } error }:
                body.Append(Html.Error(error));
                break;
            case { Value: { } d }:
                Diff(body, d);
                break;
        }

        return Page($"diff {environment.Name}", body.ToString());
    }

    private static void Form(StringBuilder body, string name, ServedReleases? served, string? from, string? to)
    {
        body.Append(CultureInfo.InvariantCulture, $"<form id=\"pick\" method=\"get\" action=\"/diff/{name}\">");
        if (served is { Releases.Count: > 0 })
        {
            body.Append("<label>from ").Append(Select("from", served, from)).Append("</label> ");
            body.Append("<label>to ").Append(Select("to", served, to)).Append("</label> ");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"<label>from <input name=\"from\" value=\"{E(from)}\" placeholder=\"v1.0.0\"></label> ");
            body.Append(CultureInfo.InvariantCulture, $"<label>to <input name=\"to\" value=\"{E(to)}\" placeholder=\"v1.1.0\"></label> ");
        }

        body.Append("<button type=\"submit\">compare</button></form>");
    }

    private static string Select(string field, ServedReleases served, string? chosen)
    {
        var options = new StringBuilder();
        var known = false;
        foreach (var release in served.Releases)
        {
            var selected = release.Commit == chosen;
            known |= selected;
            var live = release.Commit == served.Live?.Commit ? " (live)" : "";
            options.Append(CultureInfo.InvariantCulture,
                $"<option value=\"{E(release.Commit)}\"{(selected ? " selected" : "")}>{E(release.Version)} · {E(release.Commit[..Math.Min(12, release.Commit.Length)])} · {Time(release.DeployedAt)}{live}</option>");
        }

        // A ref given in the address that is no recorded release stays what the form sends again.
        var custom = chosen is not null && !known ? $"<option value=\"{E(chosen)}\" selected>{E(chosen)}</option>" : "";
        return $"<select name=\"{field}\">{custom}{options}</select>";
    }

    private static void Diff(StringBuilder body, ReleaseDiff d)
    {
        body.Append(CultureInfo.InvariantCulture, $"<p><b>{E(d.From.Label)}</b> <code>{E(d.From.ShortCommit)}</code> → <b>{E(d.To.Label)}</b> <code>{E(d.To.ShortCommit)}</code></p><p id=\"diff-summary\">{E(d.Summary)}</p>");
        Commits(body, "commits", $"Commits ({d.Commits.Count}{(d.CommitsTruncated ? "+" : "")})", d.Commits);
        if (d.CommitsOnlyInFrom.Count > 0)
        {
            Commits(body, "commits-left-out", $"Commits of {d.From.Label} that {d.To.Label} does not have ({d.CommitsOnlyInFrom.Count})", d.CommitsOnlyInFrom);
        }

        if (d.MigrationsFolder is { } folder)
        {
            Files(body, "migrations", $"Migrations <small><code>{E(folder)}</code></small>", d.Migrations);
        }
        else
        {
            body.Append("<h2>Migrations</h2><p id=\"migrations\">devops-agent.yml has no migrations section.</p>");
        }

        Files(body, "compose", "Compose files", d.ComposeFiles);
        body.Append("<h2>.env.example keys</h2><p><small>Key names only: each value is dropped as the file is read, and never shown.</small></p>");
        var keys = d.EnvKeys;
        if (keys.Problem is { } problem)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"env-keys\" class=\"bad\">could not be compared: {E(problem)}</p>");
        }
        else if (keys.Added.Count + keys.Removed.Count == 0)
        {
            body.Append("<p id=\"env-keys\">No key added or removed.</p>");
        }
        else
        {
            body.Append("<table id=\"env-keys\"><tr><th>Key</th><th>Change</th></tr>");
            body.Append(Rows(keys.Added.Select(k => $"<tr><td><code>{E(k)}</code></td><td class=\"ok\">added</td></tr>")));
            body.Append(Rows(keys.Removed.Select(k => $"<tr><td><code>{E(k)}</code></td><td class=\"warn\">removed</td></tr>")));
            body.Append("</table>");
        }
    }

    private static void Commits(StringBuilder body, string id, string title, IReadOnlyList<CommitInfo> commits)
    {
        body.Append(CultureInfo.InvariantCulture, $"<h2>{E(title)}</h2>");
        if (commits.Count == 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"{id}\">None.</p>");
            return;
        }

        body.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><tr><th>Commit</th><th>Date</th><th>Author</th><th>Subject</th></tr>");
        body.Append(Rows(commits.Select(c => $"<tr><td><code>{E(c.Sha[..12])}</code></td><td>{Time(c.Date)}</td><td>{E(c.Author)}</td><td>{E(c.Subject)}</td></tr>")));
        body.Append("</table>");
    }

    private static void Files(StringBuilder body, string id, string titleHtml, IReadOnlyList<FileChange> files)
    {
        body.Append(CultureInfo.InvariantCulture, $"<h2>{titleHtml}</h2>");
        if (files.Count == 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"{id}\">No change.</p>");
            return;
        }

        body.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><tr><th>Change</th><th>File</th></tr>");
        body.Append(Rows(files.Select(f => $"<tr><td class=\"{Css(f.Change)}\">{ReleaseDiff.Word(f.Change)}</td><td><code>{E(f.Path)}</code></td></tr>")));
        body.Append("</table>");
    }

    private static string Css(FileChangeKind change) => change switch
    {
        FileChangeKind.Added => "ok",
        FileChangeKind.Removed => "bad",
        _ => "warn",
    };
}
