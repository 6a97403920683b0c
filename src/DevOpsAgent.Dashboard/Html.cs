using System.Globalization;
using System.Net;
using System.Text;

namespace DevOpsAgent.Dashboard;

/// <summary>Server-rendered pages: every value that came from outside is encoded here, once.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";

    public static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

    public static string Page(string title, string body) => $$$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{{E(title)}}} · devops-agent</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
        header{background:#1d232b;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;align-items:center}
        header a{color:#cfd8e3;text-decoration:none}header b{color:#fff}
        main{padding:1rem 1.2rem;max-width:1200px}
        table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
        th,td{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
        th{background:#eef0f3}.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}.warn{color:#a05a00;font-weight:600}
        .error{background:#fde7e7;border:1px solid #f3b4b4;padding:.5rem;margin:.5rem 0}
        code{background:#eef0f3;padding:0 .2rem}form.inline{display:inline}
        #live{font-size:.8rem;color:#9aa5b1}pre{background:#111;color:#ddd;padding:.5rem;max-height:24rem;overflow:auto}
        </style></head><body>
        <header><b>devops-agent</b><a href="/">Overview</a><a href="/history">History</a><span id="live">…</span></header>
        <main>{{{body}}}</main>
        <script>
        (function(){var s=new EventSource('/events');var l=document.getElementById('live');
        s.addEventListener('history',function(e){l.textContent='updated '+new Date().toLocaleTimeString();var t=document.querySelector('[data-live]');if(t&&t.dataset.last!==e.data){location.reload();}});
        s.onopen=function(){l.textContent='live';};s.onerror=function(){l.textContent='offline';};})();
        </script></body></html>
        """;

    public static string Outcome(Core.Deploy.DeployOutcome outcome)
    {
        var css = outcome switch
        {
            Core.Deploy.DeployOutcome.Succeeded => "ok",
            Core.Deploy.DeployOutcome.Failed or Core.Deploy.DeployOutcome.Refused => "bad",
            _ => "warn",
        };
        return $"<span class=\"{css}\">{E(outcome.ToString().ToLowerInvariant())}</span>";
    }

    public static string Error(string line) => $"<div class=\"error\">{E(line)}</div>";

    public static string Rows(IEnumerable<string> rows)
    {
        var builder = new StringBuilder();
        foreach (var row in rows)
        {
            builder.Append(row);
        }

        return builder.ToString();
    }
}
