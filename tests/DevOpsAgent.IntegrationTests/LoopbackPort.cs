using System.Net;
using System.Net.Sockets;

namespace DevOpsAgent.IntegrationTests;

/// <summary>A loopback port nothing listens on right now, for a server a test starts (a dashboard, a webhook listener).</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
