using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Git;
using DevOpsAgent.Core.Releases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DevOpsAgent.Dashboard;

public sealed partial class DashboardServer
{
    private void MapDiff(WebApplication app) => app.MapGet("/diff/{environment}", DiffPageAsync);

    /// <summary>
    /// The release diff, read like <c>devops-agent diff</c> over one connection within the status timeout; a ref the
    /// tool refuses is answered 400 without connecting, a server that cannot answer is a line on the page.
    /// </summary>
    private async Task DiffPageAsync(HttpContext http, string environment)
    {
        var target = Environment(environment);
        var from = Query(http, "from");
        var to = Query(http, "to");
        ServedReleases? served = null;
        Panel<ReleaseDiff> diff;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(context.StatusTimeout);
        try
        {
            var fromRef = from is null ? null : GitRef.Parse(from);
            var toRef = to is null ? null : GitRef.Parse(to);
            await using var runner = await context.ConnectAsync(target, timeout.Token);
            served = await ReleaseDiffReader.ReleasesAsync(runner, target, timeout.Token);
            diff = new(await ReleaseDiffReader.ReadAsync(runner, target, context.Config.Migrations?.Versions, served, fromRef, toRef, timeout.Token), null);
        }
        catch (Exception error) when (error is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            if (error is InvalidInputException)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
            }

            diff = new(null, timeout.IsCancellationRequested ? $"no answer within {context.StatusTimeout.TotalSeconds:0} s" : DashboardErrors.OneLine(error));
        }

        await WriteHtmlAsync(http, DiffPage.Render(target, served, from, to, diff));
    }

    private static string? Query(HttpContext http, string name) => http.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;
}
