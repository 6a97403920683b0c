using Microsoft.Playwright;

namespace DevOpsAgent.IntegrationTests.Dashboard;

/// <summary>
/// Debian's headless <c>chromium</c> (installed by scripts/testbed.sh) driven by Playwright's .NET package, whose
/// node driver ships in the build output: nothing is downloaded. A browser that cannot start fails the test, it
/// never skips it. One page at 1280×800 on the dashboard's address; screenshots go, full-page, into the
/// repository's docs/screenshots/, where README shows them.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>docs/screenshots/ of the repository this test was built from.</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public static async Task<DashboardBrowser> LaunchAsync(string baseUrl)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: `scripts/testbed.sh up` installs Debian's chromium package");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            return new DashboardBrowser(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The whole page as docs/screenshots/<paramref name="name"/>.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private static string FindScreenshotFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DevOpsAgent.slnx")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "docs", "screenshots")).FullName;
            }
        }

        throw new InvalidOperationException($"no DevOpsAgent.slnx above {AppContext.BaseDirectory}");
    }
}
