using System.Globalization;
using System.Net;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Dashboard;

/// <summary>Where the dashboard listens. Loopback needs no token; anything else is refused without one.</summary>
public sealed record DashboardBinding(IPAddress Address, int Port)
{
    public const string Default = "127.0.0.1:8470";

    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public string Url => $"http://{(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static DashboardBinding Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0
            || !IPAddress.TryParse(text[..colon].Trim('[', ']'), out var address)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 0 or > 65535)
        {
            throw new UsageException($"--bind {InputText.Quote(text)}: expected an IP address and port such as {Default}");
        }

        return new DashboardBinding(address, port);
    }

    /// <summary>The house rule: the dashboard can roll servers back, so it is never open on a network without a token.</summary>
    public void RequireTokenUnlessLoopback(DashboardToken? token)
    {
        if (!IsLoopback && token is null)
        {
            throw new DevOpsAgentException(
                $"--bind {Address}: a non-loopback address needs a token (--token-file or $DEVOPS_AGENT_DASHBOARD_TOKEN); refused",
                ExitCodes.Refused);
        }
    }
}
