using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DevOpsAgent.IntegrationTests.Dashboard;

/// <summary>
/// Issue 14's "Done when" in a real browser: headless Debian chromium loads `devops-agent dashboard` against the
/// real test bed after two real deploys of the reference stack, checks what the overview and a deploy's page
/// show, refuses a rollback whose confirmation is wrong, then follows a confirmed one to its end — and judges
/// it on the server (the code answering, its release record), not on the page. The screenshots README shows
/// are this test's output.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan StatusWait = TimeSpan.FromSeconds(90);

    private DashboardStack _stack = null!;

    public Task InitializeAsync()
    {
        _stack = DashboardStack.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task The_browser_sees_two_real_deploys_and_a_typed_confirmation_rolls_the_server_back_to_the_previous_release()
    {
        await _stack.DeployAsync("v1.0.0");
        await _stack.DeployAsync("v1.1.0");
        Assert.Equal("1.1.0", await _stack.ServedVersionAsync());
        await _stack.StartDashboardAsync();
        await using var browser = await DashboardBrowser.LaunchAsync(_stack.DashboardUrl);
        var page = browser.Page;

        // The overview's health cell fills in live (status events), without a reload, once the background read ends.
        await page.GotoAsync("/");
        await Expect(page.Locator("table#environments tr[data-env=production] td.health span")).ToHaveClassAsync("ok",
            new() { Timeout = (float)StatusWait.TotalMilliseconds });
        await Expect(page.Locator("table#environments tr[data-env=production] td.release")).ToContainTextAsync("v1.1.0");

        // The overview: the live release as the server reports it, healthy, and both deploys, newest first.
        var row = await EnvironmentRowAsync(page, "v1.1.0");
        await Expect(row.Locator("td.health span")).ToHaveClassAsync("ok");
        await Expect(row.Locator("td.health")).ToContainTextAsync("healthy");
        // A one-project (not blue/green) environment says so in its slot cell, and names the host it runs on.
        await Expect(row.Locator("td.slot")).ToHaveTextAsync("single");
        await Expect(row.Locator("td").Nth(1)).ToContainTextAsync("@127.0.0.1:");
        var deploys = page.Locator("table#history tr.record");
        await Expect(deploys).ToHaveCountAsync(2);
        await Expect(deploys.Nth(0)).ToContainTextAsync("deploy");
        await Expect(deploys.Nth(0)).ToContainTextAsync("v1.1.0");
        await Expect(deploys.Nth(0)).ToContainTextAsync("succeeded");
        await Expect(deploys.Nth(1)).ToContainTextAsync("v1.0.0");
        await Expect(deploys.Nth(1)).ToContainTextAsync("succeeded");
        await browser.ScreenshotAsync("overview.png");

        // The newest deploy's page: its summary, one chart bar and one table row per step.
        await deploys.Nth(0).Locator("a").ClickAsync();
        await page.WaitForURLAsync("**/deploys/*");
        await Expect(page.Locator("h1")).ToContainTextAsync("v1.1.0 on production");
        await Expect(page.Locator("table#summary")).ToContainTextAsync("succeeded");
        var steps = await page.Locator("table#steps tr").CountAsync() - 1;
        Assert.True(steps >= 5, $"{steps} steps shown");
        await Expect(page.Locator("table#steps")).ToContainTextAsync("health");
        await Expect(page.Locator("svg#step-chart rect.bar")).ToHaveCountAsync(steps);
        await browser.ScreenshotAsync("deploy.png");

        // The form, typed right (the screenshot); then a wrong confirmation is refused, and nothing is rolled back.
        await page.GotoAsync("/");
        await page.Locator("tr[data-env=production] a[href='/rollback/production']").ClickAsync();
        await page.WaitForURLAsync("**/rollback/production");
        await page.FillAsync("#to", "v1.0.0");
        await page.FillAsync("#task", DashboardStack.Task);
        await page.FillAsync("#confirm", "production");
        await browser.ScreenshotAsync("rollback.png");
        await page.FillAsync("#confirm", "staging");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#do-rollback"), r => r.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        await Expect(page.Locator(".error")).ToContainTextAsync("not confirmed: type the environment's name (production)");
        Assert.Equal("1.1.0", await _stack.ServedVersionAsync());
        Assert.Equal(2, (await _stack.HistoryAsync()).Length);

        // The refused form comes back with the release and task kept and the confirmation empty; typed right, it runs,
        // its progress streaming in until it succeeds.
        await Expect(page.Locator("#confirm")).ToHaveValueAsync("");
        await Expect(page.Locator("#to")).ToHaveValueAsync("v1.0.0");
        await Expect(page.Locator("#task")).ToHaveValueAsync(DashboardStack.Task);
        await page.FillAsync("#to", "v1.0.0");
        await page.FillAsync("#task", DashboardStack.Task);
        await page.FillAsync("#confirm", "production");
        await page.ClickAsync("#do-rollback");
        await page.WaitForURLAsync("**/operations/*");
        await page.WaitForFunctionAsync("() => document.getElementById('outcome').className !== ''", null,
            new() { Timeout = (float)TimeSpan.FromMinutes(5).TotalMilliseconds });
        var outcome = await page.Locator("#outcome").InnerTextAsync();
        Assert.True(outcome.StartsWith("succeeded", StringComparison.Ordinal), $"{outcome}\n{await page.Locator("#progress").InnerTextAsync()}\n{_stack.DashboardOutput}");
        await Expect(page.Locator("#outcome")).ToHaveClassAsync("ok");
        await Expect(page.Locator("#outcome")).ToContainTextAsync("production now serves v1.0.0");
        await Expect(page.Locator("#progress")).ToContainTextAsync("health");
        await browser.ScreenshotAsync("rollback-done.png");

        // The server really serves v1.0.0 again; overview and history show the rollback, by the dashboard.
        Assert.Equal("1.0.0", await _stack.ServedVersionAsync());
        Assert.Equal("v1.0.0", await _stack.RecordedVersionAsync());
        var history = await _stack.HistoryAsync();
        Assert.Equal(3, history.Length);
        Assert.Equal(("rollback", "succeeded", DashboardStack.Task),
            (history[0].GetProperty("action").GetString(), history[0].GetProperty("outcome").GetString(), history[0].GetProperty("task_id").GetString()));
        Assert.StartsWith("dashboard (", history[0].GetProperty("started_by").GetString(), StringComparison.Ordinal);

        row = await EnvironmentRowAsync(page, "v1.0.0");
        await Expect(row.Locator("td.health span")).ToHaveClassAsync("ok");
        var latest = page.Locator("table#history tr.record");
        await Expect(latest).ToHaveCountAsync(3);
        await Expect(latest.Nth(0)).ToContainTextAsync("rollback");
        await Expect(latest.Nth(0)).ToContainTextAsync("v1.0.0");
        await Expect(latest.Nth(0)).ToContainTextAsync("succeeded");
        await Expect(latest.Nth(0)).ToContainTextAsync("dashboard (");

        await page.GotoAsync("/history");
        var all = page.Locator("table#history tr.record");
        await Expect(all).ToHaveCountAsync(3);
        await Expect(all.Nth(0)).ToContainTextAsync("rollback");
        await Expect(all.Nth(0)).ToContainTextAsync("v1.0.0");
    }

    /// <summary>
    /// The overview, reloaded until the environment's row shows <paramref name="release"/> with its health read
    /// (the status is read from the server in the background, so the first load may still say "reading…").
    /// </summary>
    private async Task<ILocator> EnvironmentRowAsync(IPage page, string release)
    {
        var row = page.Locator("table#environments tr[data-env=production]");
        var until = DateTimeOffset.UtcNow + StatusWait;
        string seen;
        do
        {
            await page.GotoAsync("/");
            seen = $"{await row.Locator("td.release").InnerTextAsync()} | {await row.Locator("td.health").InnerTextAsync()}";
            if (seen.Contains(release, StringComparison.Ordinal) && !seen.Contains("reading", StringComparison.Ordinal))
            {
                return row;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        while (DateTimeOffset.UtcNow < until);

        Assert.Fail($"the overview did not show {release} within {StatusWait.TotalSeconds:0} s; it shows: {seen}\n{_stack.DashboardOutput}");
        return row;
    }
}
