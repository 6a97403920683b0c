namespace DevOpsAgent.Core.Edge;

/// <summary>
/// The edge's compose file: one HAProxy that owns the published port. It declares the edge network, which the
/// slots join as external, so the slots can come and go while the edge stays.
/// </summary>
public static class EdgeCompose
{
    public const string Image = "haproxy:2.6";

    public const string Service = "edge";

    /// <remarks>
    /// The folder is mounted, not haproxy.cfg alone: a file bind mount keeps the inode it started with, so a
    /// haproxy.cfg replaced by rename would never be seen; a folder mount shows the new file on the next start.
    /// </remarks>
    public static string Render(EdgeSpec spec)
    {
        spec.Validated();
        return $"""
            # Written by devops-agent: the edge of {spec.Project}, never recreated by a deploy.
            services:
              {Service}:
                image: {Image}
                restart: unless-stopped
                ports:
                  - "{spec.PublishedPort}:{HaproxyConfig.ListenPort}"
                volumes:
                  - ./{EdgeSpec.Folder}:/usr/local/etc/haproxy:ro
                networks:
                  - edge
            networks:
              edge:
                name: {spec.Network}

            """;
    }
}
