namespace DevOpsAgent.Core.Edge;

/// <summary>
/// The edge's haproxy.cfg. It is read only when the edge starts: switches go through the runtime API, and the
/// file is rewritten after each so that a restarted edge comes back serving the same slot.
/// </summary>
public static class HaproxyConfig
{
    /// <summary>The runtime API, reachable only from inside the edge container.</summary>
    public const string RuntimeAddress = "127.0.0.1";

    public const int RuntimePort = 9999;

    /// <summary>The port the edge listens on inside its container; the published port maps to it.</summary>
    public const int ListenPort = 8080;

    public const string Backend = "app";

    /// <summary>
    /// The <c>defaults</c> section both edges share (the compose slots' and a Swarm stack's): HTTP with keep-alive on
    /// both sides, a request whose connection was refused or closed unanswered retried (on another server), short
    /// connect and check timeouts.
    /// </summary>
    public static string Defaults(string checkTimeout, int retries) => $"""
        defaults
            mode http
            log global
            option httplog
            option dontlog-normal
            option http-keep-alive
            timeout connect 2s
            timeout client 60s
            timeout server 60s
            timeout http-request 10s
            timeout http-keep-alive 60s
            timeout queue 10s
            timeout check {checkTimeout}
            retries {retries}
            option redispatch 1
            retry-on conn-failure empty-response
        """;

    /// <param name="live">The slot that serves; the other one is disabled. Null: neither serves yet (a first deploy).</param>
    public static string Render(EdgeSpec spec, Slot? live)
    {
        spec.Validated();
        return $"""
            # Written by devops-agent; rewritten after every switch (switches themselves go through the runtime API).
            global
                log stdout format raw local0
                stats socket ipv4@{RuntimeAddress}:{RuntimePort} level admin
                stats timeout 10s

            {Defaults(checkTimeout: "3s", retries: 1)}

            # Docker's embedded DNS: a slot's containers get new addresses when they are recreated.
            resolvers docker
                nameserver dns 127.0.0.11:53
                resolve_retries 2
                timeout resolve 1s
                timeout retry 1s
                hold valid 1s
                hold other 30s
                hold refused 30s
                hold nx 5s
                hold timeout 30s
                hold obsolete 5s

            frontend web
                bind :{ListenPort}
                default_backend {Backend}

            backend {Backend}
                option httpchk GET {spec.HealthPath}
            {Server(spec, Slot.Blue, live)}
            {Server(spec, Slot.Green, live)}

            """;
    }

    private static string Server(EdgeSpec spec, Slot slot, Slot? live) =>
        $"    server {slot.Name()} {spec.ServerAddress(slot)}:{spec.EntryPort} resolvers docker init-addr none check inter 1s fall 3 rise 1"
        + (slot == live ? "" : " disabled");
}
