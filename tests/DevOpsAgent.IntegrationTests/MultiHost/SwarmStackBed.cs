using System.Text.Json;

namespace DevOpsAgent.IntegrationTests.MultiHost;

/// <summary>
/// The Swarm tests' own stack on the multi-host bed: project shopswarm, environment <c>it</c> (stack
/// <see cref="Stack"/>, its edge <see cref="EdgeStack"/>), app folder <see cref="AppPath"/> on the manager (dahost1),
/// published on <see cref="Port"/> of every node. Shares nothing with the fleet tests or the Swarm trial.
/// </summary>
public static class SwarmStackBed
{
    public const string Stack = "shopswarm-it";

    public const string EdgeStack = Stack + "-edge";

    public const string AppPath = "/var/www/swarm-it";

    public const int Port = 8100;

    public const int Manager = 1;

    private static HostsBed Bed => HostsBed.Current!;

    public static string Url(string path, int host = Manager) => $"http://{Bed.Address(host)}:{Port}{path}";

    /// <param name="waitForDrain">The deploy ends only once the replaced tasks stopped (<c>swarm: wait_for_drain</c>).</param>
    public static string WriteConfig(string folder, bool waitForDrain = false)
    {
        var config = Path.Combine(folder, "devops-agent.yml");
        File.WriteAllText(config, $"""
            project: shopswarm
            repository: {Bed.Origin}
            compose_files:
              - docker-compose.prod.yml
            migrations:
              service: backend
              database_service: db
              versions: backend/alembic/versions
            environments:
              it:
                server: {Bed.Address(Manager)}
                user: deploy
                port: 22
                path: {AppPath}
                identity_file: {Bed.KeyFile}
                known_hosts: {Bed.KnownHostsFile}
                tag: v1.1.0
                engine: swarm
                registry: {Bed["DEVOPS_TESTBED_HOSTS_REGISTRY"]}
                swarm:
                  update_parallelism: 1
                  monitor: 5s
                  endpoint_mode: dnsrr
                  edge: true
                  wait_for_drain: {(waitForDrain ? "true" : "false")}
                health:
                  timeout: 60s
                  interval: 2s
                  http:
                    - url: http://localhost:{Port}/health
                      json:
                        status: healthy
                  frontend: http://localhost:{Port}/
                  database: db
                  logs:
                    fail_on_errors: false

            """);
        return config;
    }

    /// <summary>
    /// Removes the app stack, then its edge, waits until their tasks are gone, drops the database volume and empties
    /// the app folder but for its .env (the operator's, published on <see cref="Port"/>): "never deployed".
    /// </summary>
    public static Task RemoveAsync(CancellationToken ct) => Bed.RunAsync(Manager, string.Join("\n",
        $"for stack in {Stack} {EdgeStack}; do",
        "  docker stack rm \"$stack\" >/dev/null 2>&1 || true",
        "  for i in $(seq 1 60); do",
        "    [ -z \"$(docker service ls -q --filter label=com.docker.stack.namespace=$stack)\" ] && [ -z \"$(docker network ls -q --filter label=com.docker.stack.namespace=$stack)\" ] && break",
        "    sleep 1; docker stack rm \"$stack\" >/dev/null 2>&1 || true",
        "  done",
        "done",
        $"for i in $(seq 1 60); do docker volume rm {Stack}_db-data >/dev/null 2>&1 || ! docker volume inspect {Stack}_db-data >/dev/null 2>&1 && break; sleep 1; done",
        $"install -d -o deploy -g deploy {AppPath}",
        $"[ -f {AppPath}/.env ] || {{ sed 's/^HTTP_PORT=.*/HTTP_PORT={Port}/' /var/www/shop/.env > {AppPath}/.env && chown deploy:deploy {AppPath}/.env && chmod 600 {AppPath}/.env; }}",
        $"find {AppPath} -mindepth 1 -maxdepth 1 ! -name .env -exec rm -rf {{}} +"), ct, user: "root");

    /// <summary>The version the edge on <paramref name="host"/> answers on /api/version, or null.</summary>
    public static async Task<string?> VersionAsync(CancellationToken ct, int host = Manager)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var version = JsonDocument.Parse(await http.GetStringAsync(Url("/api/version", host), ct));
            return version.RootElement.GetProperty("version").GetString();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Rows of the items table named <paramref name="name"/>, asked in the database's task on the manager.</summary>
    public static async Task<int> RowsAsync(string name, CancellationToken ct) => int.Parse((await Bed.RunAsync(Manager,
        $"db=$(docker ps -q --filter label=com.docker.swarm.service.name={Stack}_db | head -n 1); "
        + $"docker exec \"$db\" psql -U shop -d shop -tAc \"select count(*) from items where name = '{name}'\"", ct)).Trim());

    /// <summary>The database's alembic revision (alembic_version), asked in the database's task on the manager.</summary>
    public static async Task<string> RevisionAsync(CancellationToken ct) => (await Bed.RunAsync(Manager,
        $"db=$(docker ps -q --filter label=com.docker.swarm.service.name={Stack}_db | head -n 1); "
        + "docker exec \"$db\" psql -U shop -d shop -tAc 'select version_num from alembic_version'", ct)).Trim();

    /// <summary>Each Swarm node's state (<c>dahost2 → Ready</c>, <c>Down</c>), asked on the manager.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> NodesAsync(CancellationToken ct) =>
        (await Bed.RunAsync(Manager, "docker node ls --format '{{.Hostname}} {{.Status}}'", ct))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);

    /// <summary>The nodes of a service's tasks that should run and do (<c>docker service ps</c>, desired state running).</summary>
    public static async Task<IReadOnlyList<(string Node, string State)>> TasksAsync(string service, CancellationToken ct) =>
        [.. (await Bed.RunAsync(Manager, $"docker service ps --filter desired-state=running --format '{{{{.Node}}}} {{{{.CurrentState}}}}' {Stack}_{service}", ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2)).Select(p => (p[0], p[1]))];
}
