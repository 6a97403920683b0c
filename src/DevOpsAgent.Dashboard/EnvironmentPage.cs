using System.Globalization;
using System.Text;
using DevOpsAgent.Core.Backups;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using DevOpsAgent.Core.Locks;
using static DevOpsAgent.Dashboard.Html;

namespace DevOpsAgent.Dashboard;

/// <summary>What the server said, or the one line saying why it could not be read.</summary>
public sealed record Panel<T>(T? Value, string? Error)
    where T : class;

/// <summary>
/// One environment: its services, the deploy lock, the database backups on the server, and its live logs
/// (masked, streamed over server-sent events). A pure function of what was read, so it is tested without a server.
/// </summary>
public static class EnvironmentPage
{
    public static string Render(EnvironmentConfig environment, StatusView? view, Panel<LockStatus> lockPanel, Panel<IReadOnlyList<BackupFile>> backups, string? service)
    {
        var name = Uri.EscapeDataString(environment.Name);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(environment.Name)}</h1><p>{E(environment.User)}@{E(environment.Server)}:{environment.Port} <code>{E(environment.Path)}</code> · ");
        body.Append(CultureInfo.InvariantCulture, $"<a href=\"/rollback/{name}\">roll back…</a> · <a href=\"/diff/{name}\">release diff</a></p>");

        body.Append("<h2>Services</h2>");
        switch (view)
        {
            case null:
                body.Append("<p class=\"warn\">reading the server…</p>");
                break;
            case { Error: { } error }:
                body.Append(CultureInfo.InvariantCulture, $"<p class=\"bad\">unreachable: {E(error)}</p>");
                break;
            case { Status: { } status }:
                var release = status.Release;
                body.Append(CultureInfo.InvariantCulture, $"<p id=\"live-release\">{(release is null ? "no recorded release" : $"serves <b>{E(release.Version)}</b> <code>{E(DeployWorker.ShortCommit(release.Commit))}</code>, deployed {Time(release.DeployedAt)} by {E(release.DeployedBy)}")}</p>");
                body.Append("<table id=\"services\"><tr><th>Service</th><th>State</th><th>Ready</th><th></th></tr>");
                foreach (var s in status.Services)
                {
                    body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Service)}</td><td>{E(s.State)}</td><td class=\"{(s.Ready ? "ok" : "bad")}\">{(s.Ready ? "yes" : "no")}</td>");
                    body.Append(CultureInfo.InvariantCulture, $"<td><a href=\"/environments/{name}?service={Uri.EscapeDataString(s.Service)}#logs\">logs</a></td></tr>");
                }

                body.Append("</table>");
                break;
        }

        body.Append("<h2>Deploy lock</h2>");
        body.Append(lockPanel switch
        {
            { Error: { } error } => $"<p id=\"lock\" class=\"bad\">could not be read: {E(error)}</p>",
            { Value: { } l } => $"<p id=\"lock\" class=\"{(l.State == LockState.Free ? "ok" : "warn")}\" data-state=\"{l.State.ToString().ToLowerInvariant()}\">{E(Sentence(l.Describe()))}{(l.State == LockState.Abandoned ? $" The {E(l.DescribeInterruption())}; <code>devops-agent lock release {E(environment.Name)}</code> frees it." : "")}</p>",
            _ => "<p id=\"lock\">-</p>",
        });

        body.Append("<h2>Backups</h2>");
        switch (backups)
        {
            case { Error: { } error }:
                body.Append(CultureInfo.InvariantCulture, $"<p id=\"backups\" class=\"bad\">could not be read: {E(error)}</p>");
                break;
            case { Value: { Count: 0 } }:
                body.Append(CultureInfo.InvariantCulture, $"<p id=\"backups\">No database dumps in <code>{E(BackupFile.FolderOf(environment.Path))}</code> yet (production deploys make one before migrating).</p>");
                break;
            case { Value: { } files }:
                body.Append("<table id=\"backups\"><tr><th>File</th><th>Taken</th><th>Size</th></tr>");
                foreach (var file in files)
                {
                    body.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(file.Name)}</code></td><td>{Time(file.CreatedAt)}</td><td>{Size(file.Size)}</td></tr>");
                }

                body.Append(CultureInfo.InvariantCulture, $"</table><p><small>Restore with <code>devops-agent restore {E(environment.Name)} &lt;file&gt; --yes</code>.</small></p>");
                break;
        }

        var source = $"/environments/{name}/logs{(service is null ? "" : $"?service={Uri.EscapeDataString(service)}")}";
        body.Append(CultureInfo.InvariantCulture, $"<h2 id=\"logs\">Live logs{(service is null ? "" : $" of {E(service)}")}</h2>");
        body.Append("<p><small>The last 100 lines, then new ones as they come; secrets from the server's .env and anything that looks like one are masked.</small> <span id=\"logs-state\" class=\"warn\">connecting…</span></p>");
        body.Append(CultureInfo.InvariantCulture, $"<pre id=\"log-lines\" data-source=\"{E(source)}\"></pre>");
        body.Append("""
            <script>
            (function(){var p=document.getElementById('log-lines'),st=document.getElementById('logs-state');var s=new EventSource(p.dataset.source);
            s.addEventListener('line',function(e){p.textContent+=e.data+'\n';if(p.textContent.length>400000){p.textContent=p.textContent.slice(-200000);}p.scrollTop=p.scrollHeight;});
            s.addEventListener('state',function(e){st.textContent=e.data;st.className=e.data.indexOf('following')===0?'ok':'bad';});
            s.addEventListener('end',function(e){st.textContent=e.data;st.className='bad';s.close();});})();
            </script>
            """);
        return Page(environment.Name, body.ToString());
    }

    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + ".";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MiB"),
    };
}
