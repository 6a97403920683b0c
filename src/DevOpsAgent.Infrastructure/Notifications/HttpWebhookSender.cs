using System.Net;
using System.Text;
using DevOpsAgent.Core.Notifications;

namespace DevOpsAgent.Infrastructure.Notifications;

/// <summary>
/// POSTs a notification as JSON. Retried on connection errors, timeouts, 5xx and 429 (its Retry-After honoured up
/// to <see cref="MaxRetryAfter"/>), with a doubling pause; any other 4xx is final. Bounded: at most
/// <see cref="Attempts"/> attempts of <see cref="AttemptTimeout"/> each.
/// </summary>
public sealed class HttpWebhookSender(HttpClient client, Func<TimeSpan, Task>? pause = null) : IWebhookSender
{
    public int Attempts { get; init; } = 4;

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan FirstPause { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    private readonly Func<TimeSpan, Task> _pause = pause ?? (t => Task.Delay(t));

    public static HttpWebhookSender Create() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan });

    public async Task SendAsync(WebhookConfig webhook, string body, CancellationToken cancellationToken)
    {
        var wait = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(AttemptTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    request.Headers.UserAgent.ParseAdd("devops-agent");
                    using var response = await client.SendAsync(request, timeout.Token);
                    var code = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }

                    failure = $"HTTP {code}";
                    if (code != 429 && code < 500)
                    {
                        throw new WebhookException($"{failure} (not retried)");
                    }

                    if (code == (int)HttpStatusCode.TooManyRequests)
                    {
                        retryAfter = response.Headers.RetryAfter?.Delta
                            ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = $"no answer within {AttemptTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s";
                }
                catch (HttpRequestException error)
                {
                    // The message names the host at most; SocketsHttpHandler never quotes the path.
                    failure = error.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused or unreachable" : error.HttpRequestError.ToString();
                }
            }

            if (attempt >= Attempts)
            {
                throw new WebhookException($"{failure} after {attempt} attempts");
            }

            var pauseFor = retryAfter is { } asked && asked > TimeSpan.Zero ? (asked < MaxRetryAfter ? asked : MaxRetryAfter) : wait;
            await _pause(pauseFor);
            wait *= 2;
        }
    }
}

public sealed class WebhookException(string message) : Exception(message);
