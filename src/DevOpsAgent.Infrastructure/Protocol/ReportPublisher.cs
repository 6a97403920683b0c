using System.Globalization;
using System.Net;
using System.Text;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Protocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace DevOpsAgent.Infrastructure.Protocol;

/// <summary>
/// Delivers EXECUTE reports where the orchestrator section says: a folder of JSON files and/or a webhook
/// (POST, retried with exponential backoff). Delivery problems are warnings: a report that cannot be
/// delivered never turns a deploy into a failure.
/// </summary>
public sealed class ReportPublisher(HttpClient http, Action<string> warn)
{
    /// <summary>Attempts after the first, and the first backoff delay (then doubled, with jitter).</summary>
    public int Retries { get; init; } = 3;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Writes and POSTs as configured; returns where the report went (files and URLs, URLs without credentials).</summary>
    public async Task<IReadOnlyList<string>> PublishAsync(ExecutionReport report, OrchestratorConfig? orchestrator, string baseDirectory, CancellationToken cancellationToken)
    {
        var delivered = new List<string>();
        if (orchestrator?.Reports is { } folder)
        {
            try
            {
                delivered.Add(await WriteAsync(report, Path.GetFullPath(folder, baseDirectory), cancellationToken));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                warn($"warning: the report could not be written to {folder}: {error.Message}");
            }
        }

        if (orchestrator?.Webhook is { } webhook)
        {
            try
            {
                await PostAsync(report, webhook, cancellationToken);
                delivered.Add(OrchestratorConfig.Printable(webhook));
            }
            catch (Exception error) when (error is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                warn($"warning: the report was not delivered to {OrchestratorConfig.Printable(webhook)} after {Retries + 1} attempts: {error.Message}");
            }
        }

        return delivered;
    }

    /// <summary>
    /// Writes the report under a name of its own: two reports of the same task, action and environment started in
    /// the same second (two MCP calls) used to overwrite each other, so the file is created only if new, else the
    /// next free suffix (-2, -3, …) is taken; creating is atomic, so concurrent writers never share a name.
    /// </summary>
    public static async Task<string> WriteAsync(ExecutionReport report, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var stem = $"{report.StartedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{report.Task ?? "no-task"}-{report.Action}-{report.Environment}";
        var bytes = Encoding.UTF8.GetBytes(report.ToJson() + "\n");
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(folder, n == 1 ? $"{stem}.json" : $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}.json");
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (File.Exists(path) && n < 10_000)
            {
                continue;
            }

            await using (file)
            {
                await file.WriteAsync(bytes, cancellationToken);
            }

            return path;
        }
    }

    private async Task PostAsync(ExecutionReport report, Uri webhook, CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Retries,
                Delay = FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(e => e.StatusCode is null or >= HttpStatusCode.InternalServerError
                    or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests).Handle<TimeoutRejectedException>(),
            })
            .AddTimeout(AttemptTimeout)
            .Build();
        var body = report.ToJson();
        await pipeline.ExecuteAsync(async token =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(webhook, content, token);
            response.EnsureSuccessStatusCode();
        }, cancellationToken);
    }
}
