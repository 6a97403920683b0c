using System.Security.Cryptography;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Deploy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DevOpsAgent.Dashboard;

/// <summary>The dashboard's web server: Kestrel, minimal APIs, pages rendered by <see cref="Pages"/>.</summary>
public sealed partial class DashboardServer(DashboardContext context, DashboardBinding binding)
{
    private const string CookieName = "devops_agent_dashboard";
    private readonly StatusCache _status = new(context, TimeProvider.System);
    private readonly Operations _operations = new();

    /// <summary>Per process: the anti-CSRF value forms carry; a cross-site page cannot read it.</summary>
    private readonly string _csrf = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public async Task RunAsync(Action<string> started, CancellationToken cancellationToken)
    {
        binding.RequireTokenUnlessLoopback(context.Token);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(binding.Address, binding.Port));
        var app = builder.Build();
        app.Use(AuthenticateAsync);
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception error) when (!http.Response.HasStarted)
            {
                // Our own errors (no such environment, an invalid value) are the request's fault; anything else is ours.
                http.Response.StatusCode = error is Core.Errors.DevOpsAgentException ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
                await WriteHtmlAsync(http, Html.Page("Error", Html.Error(DashboardErrors.OneLine(error))));
            }
        });
        Map(app);
        await app.StartAsync(cancellationToken);
        started(app.Urls.FirstOrDefault() ?? binding.Url);
        foreach (var environment in context.Config.Environments.Values)
        {
            _status.Get(environment);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
    }

    private async Task AuthenticateAsync(HttpContext http, RequestDelegate next)
    {
        if (context.Token is not { } token || http.Request.Path == "/healthz")
        {
            await next(http);
            return;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && token.Matches(header["Bearer ".Length..]))
        {
            await next(http);
            return;
        }

        if (token.MatchesCookie(http.Request.Cookies[CookieName]))
        {
            await next(http);
            return;
        }

        if (http.Request.Query["token"].ToString() is { Length: > 0 } given && token.Matches(given))
        {
            // Once: the token leaves the address bar (and the history) for a cookie scoped to this server.
            http.Response.Cookies.Append(CookieName, token.CookieValue, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            http.Response.Redirect(http.Request.Path.HasValue ? http.Request.Path.Value! : "/");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await WriteHtmlAsync(http, Html.Page("Unauthorized", Html.Error("a token is required: open the dashboard with ?token=… once, or send Authorization: Bearer")));
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/", OverviewAsync);
        app.MapGet("/history", HistoryAsync);
        app.MapGet("/deploys/{id}", DetailAsync);
        app.MapGet("/events", EventsAsync);
        app.MapGet("/events/status", StatusEventsAsync);
        app.MapGet("/environments/{environment}", EnvironmentPageAsync);
        app.MapGet("/environments/{environment}/logs", LogsAsync);
        MapDiff(app);
        app.MapGet("/rollback/{environment}", (HttpContext http, string environment) =>
            WriteHtmlAsync(http, Pages.RollbackForm(Environment(environment), _csrf, null, context.RequiresTask)));
        app.MapPost("/rollback/{environment}", RollbackAsync);
        app.MapGet("/operations/{id}", OperationPageAsync);
        app.MapGet("/operations/{id}/events", OperationEventsAsync);
    }

    private EnvironmentConfig Environment(string name) => context.Config.Environment(name);

    private async Task OverviewAsync(HttpContext http)
    {
        var recent = await context.History.ListAsync(null, 10, http.RequestAborted);
        var environments = context.Config.Environments.Values.Select(e => (e, _status.Get(e))).ToList();
        await WriteHtmlAsync(http, Pages.Overview(context.Config, environments, recent));
    }

    private async Task HistoryAsync(HttpContext http)
    {
        var page = int.TryParse(http.Request.Query["page"], out var p) && p is >= 0 and < 10_000 ? p : 0;
        // One record more than a page says whether an older page exists.
        var records = await context.History.PageAsync(null, page * Pages.PageSize, Pages.PageSize + 1, http.RequestAborted);
        await WriteHtmlAsync(http, Pages.History([.. records.Take(Pages.PageSize)], page, records.Count > Pages.PageSize));
    }

    private async Task DetailAsync(HttpContext http, string id)
    {
        var record = await context.History.GetAsync(id, http.RequestAborted);
        if (record is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteHtmlAsync(http, Html.Page("Not found", Html.Error($"no deploy {id} in history")));
            return;
        }

        await WriteHtmlAsync(http, Pages.Detail(record));
    }

    /// <summary>History changes pushed as they happen: the store is polled every 2 s, only changes are sent.</summary>
    private async Task EventsAsync(HttpContext http)
    {
        StartEvents(http);
        string? last = null;
        while (!http.RequestAborted.IsCancellationRequested)
        {
            var newest = await context.History.ListAsync(null, 1, http.RequestAborted);
            var fingerprint = Pages.Fingerprint(newest);
            if (fingerprint != last)
            {
                last = fingerprint;
                await SendAsync(http, "history", fingerprint);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The overview's status cells, pushed when the cache stores a new state: each environment's cells once on connect,
    /// then whenever they differ from what this stream sent. Asking the cache at least once a cache period keeps it
    /// refreshing while someone watches.
    /// </summary>
    private async Task StatusEventsAsync(HttpContext http)
    {
        StartEvents(http);
        var sent = new Dictionary<string, string>();
        while (!http.RequestAborted.IsCancellationRequested)
        {
            var changed = _status.Changed;
            foreach (var environment in context.Config.Environments.Values)
            {
                var cells = StatusCells.Of(environment.Name, _status.Get(environment)).Json();
                if (sent.GetValueOrDefault(environment.Name) != cells)
                {
                    sent[environment.Name] = cells;
                    await SendAsync(http, "status", cells);
                }
            }

            await Task.WhenAny(changed, Task.Delay(context.StatusCacheFor, http.RequestAborted));
        }
    }

    internal static void StartEvents(HttpContext http)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
    }

    internal static async Task SendAsync(HttpContext http, string name, string data)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {data.ReplaceLineEndings(" ")}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    internal static Task WriteHtmlAsync(HttpContext http, string html)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(html, http.RequestAborted);
    }
}
