using DevOpsAgent.Core.Releases;
using DevOpsAgent.Core.Tests.Releases;
using DevOpsAgent.Dashboard;
using static DevOpsAgent.Core.Tests.Releases.ReleaseDiffReaderTests;

namespace DevOpsAgent.Core.Tests.Dashboard;

/// <summary>The release diff page: the pick form over the server's releases, the diff's tables, never a template value.</summary>
public sealed class DiffPageTests
{
    private static async Task<(ServedReleases Served, ReleaseDiff Diff)> ReadAsync()
    {
        var runner = Server();
        var served = await ReleaseDiffReader.ReleasesAsync(runner, Staging, CancellationToken.None);
        return (served, await ReleaseDiffReader.ReadAsync(runner, Staging, "backend/alembic/versions", served, null, null, CancellationToken.None));
    }

    [Fact]
    public async Task The_page_lists_commits_migrations_compose_files_and_key_names_but_no_value()
    {
        var (served, diff) = await ReadAsync();
        var html = DiffPage.Render(Staging, served, null, null, new(diff, null));

        Assert.Contains("<form id=\"pick\" method=\"get\" action=\"/diff/staging\">", html);
        Assert.Contains($"<option value=\"{V100}\" selected>v1.0.0 · d4f6cfc0a1b2 · 2026-12-03 10:00:00 UTC</option>", html);
        Assert.Contains($"<option value=\"{V110}\" selected>v1.1.0 · e3d42a8add1d · 2026-12-03 10:10:00 UTC (live)</option>", html);
        Assert.Contains("<td><code>e3d42a8add1d</code></td><td>2024-02-01 10:00:00 UTC</td><td>Shop Developer</td><td>Shop 1.1.0: items get a description</td>", html);
        Assert.Contains("<td class=\"ok\">added</td><td><code>backend/alembic/versions/0002_add_item_description.py</code></td>", html);
        Assert.Contains("<td class=\"warn\">changed</td><td><code>docker-compose.prod.yml</code></td>", html);
        Assert.Contains("<tr><td><code>SECRET_KEY</code></td><td class=\"ok\">added</td></tr>", html);
        Assert.Contains("<tr><td><code>LEGACY_MODE</code></td><td class=\"warn\">removed</td></tr>", html);
        Assert.Contains("v1.0.0 → v1.1.0: 1 commit, 1 migration added", html);
        Assert.DoesNotContain(Canary, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Everything_from_the_repository_is_encoded()
    {
        var diff = new ReleaseDiff
        {
            Environment = "staging",
            From = new ReleasePoint("v1", V100, "v1"),
            To = new ReleasePoint("v2", V110, "<b>v2</b>"),
            Commits = [new CommitInfo(V110, "Mallory <script>", DateTimeOffset.UnixEpoch, "<img src=x onerror=alert(1)>")],
            CommitsOnlyInFrom = [],
            Migrations = [new FileChange("backend/alembic/versions/<x>.py", FileChangeKind.Removed)],
            ComposeFiles = [],
            MigrationsFolder = "backend/alembic/versions",
            EnvKeys = EnvKeyChanges.None,
        };
        var html = DiffPage.Render(Staging, null, "v1", "v2", new(diff, null));
        Assert.DoesNotContain("Mallory <script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>v2</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("Mallory &lt;script&gt;", html);
        Assert.Contains("<td class=\"bad\">removed</td><td><code>backend/alembic/versions/&lt;x&gt;.py</code></td>", html);
        Assert.Contains("<p id=\"compose\">No change.</p>", html);
        Assert.Contains("<p id=\"env-keys\">No key added or removed.</p>", html);
        Assert.DoesNotContain("commits-left-out", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_ref_or_an_unreachable_server_is_one_line_under_a_form_that_keeps_what_was_typed()
    {
        var html = DiffPage.Render(Staging, null, "v1;rm -rf /", null, new(null, "Invalid git ref 'v1;rm -rf /': ';' is not allowed in a ref."));
        Assert.Contains("<input name=\"from\" value=\"v1;rm -rf /\"", html);
        Assert.Contains("<div class=\"error\">Invalid git ref &#39;v1;rm -rf /&#39;: &#39;;&#39; is not allowed in a ref.</div>", html);
        Assert.DoesNotContain("id=\"commits\"", html);
    }
}
