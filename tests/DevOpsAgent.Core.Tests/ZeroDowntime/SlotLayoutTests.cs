using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;
using DevOpsAgent.Core.Errors;
using DevOpsAgent.Core.Quality;
using DevOpsAgent.Core.ZeroDowntime;

namespace DevOpsAgent.Core.Tests.ZeroDowntime;

public sealed class SlotLayoutTests
{
    private static SlotLayout Layout(string compose, ZeroDowntimeConfig? config = null)
    {
        var file = ComposeFile.Parse(new ProjectFile("docker-compose.prod.yml", compose));
        var model = ComposeModel.Build(ComposeSet.Of(["docker-compose.prod.yml"], production: true), new Dictionary<string, ComposeFile> { ["docker-compose.prod.yml"] = file });
        return SlotLayout.Of(model, "shop-production", config ?? new ZeroDowntimeConfig());
    }

    private static string Reference => File.ReadAllText(Path.Combine(RepoRoot(), "examples", "fullstack", "docker-compose.prod.yml"));

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "README.md")) || !Directory.Exists(Path.Combine(dir, "examples")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        return dir;
    }

    [Fact]
    public void The_reference_stack_splits_into_its_database_and_two_slots_behind_the_edge()
    {
        var layout = Layout(Reference);

        Assert.Equal(["db"], layout.Stateful);
        Assert.Equal(["backend", "frontend"], layout.Stateless);
        Assert.Equal(("frontend", "${HTTP_PORT:-8080}", 80), (layout.Entry, layout.Published.Host, layout.Published.ContainerPort));
        Assert.Equal(["backend"], layout.DataClients);
        Assert.Empty(layout.Warnings);
        Assert.Equal(("shop-production-data", "shop-production-blue", "shop-production-green", "shop-production-edge"),
            (layout.DataProject, layout.SlotProject("blue"), layout.SlotProject("green"), layout.EdgeNetwork));
    }

    [Fact]
    public void The_data_project_keeps_the_database_volume_of_the_single_project_and_never_interpolates()
    {
        var data = Layout(Reference).RenderData();

        Assert.Contains("""
            networks:
              internal:
                driver: bridge
                internal: true
              devops-agent-data:
                name: shop-production-data
            volumes:
              db-data:
                name: shop-production_db-data
            """, data, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", data, StringComparison.Ordinal);
        Assert.Contains("""
                networks:
                  internal: {}
                  devops-agent-data: {}
            """, data, StringComparison.Ordinal);
        Assert.DoesNotContain("backend", data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slot_has_no_host_port_no_dependency_on_the_database_and_its_entry_alias_on_the_edge_network()
    {
        var green = Layout(Reference).RenderSlot("green");

        Assert.DoesNotContain("ports", green, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP_PORT", green, StringComparison.Ordinal);
        Assert.DoesNotContain("  db:", green, StringComparison.Ordinal);
        Assert.DoesNotContain("service_started", green, StringComparison.Ordinal);
        Assert.Contains("""
                depends_on:
                  backend:
                    condition: service_healthy
            """, green, StringComparison.Ordinal);
        Assert.Contains("""
                networks:
                  internal: {}
                  devops-agent-data: {}
            """, green, StringComparison.Ordinal);
        Assert.Contains("""
                networks:
                  internal: {}
                  edge: {}
                  devops-agent-edge:
                    aliases:
                    - shop-production-green
            """, green, StringComparison.Ordinal);
        Assert.EndsWith("""
              devops-agent-data:
                external: true
                name: shop-production-data
              devops-agent-edge:
                external: true
                name: shop-production-edge

            """, green, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_without_networks_keep_the_default_one_and_redis_is_recognised_by_image()
    {
        var layout = Layout("""
            services:
              cache:
                image: docker.io/library/redis:7-alpine
              uploads:
                image: minio/minio:latest
                volumes: [files:/data]
              api:
                build: .
                environment:
                  - REDIS_URL=redis://cache:6379/0
                volumes: [media:/app/media]
                container_name: api
              worker:
                build: .
                command: celery worker
              web:
                image: nginx:1.22
                ports:
                  - "127.0.0.1:8080:80/tcp"
                  - "9000"
            volumes:
              files: {}
              media:
                external: true
            """);

        Assert.Equal(["cache", "uploads"], layout.Stateful);
        Assert.Equal(["api"], layout.DataClients);
        Assert.Equal(("web", "127.0.0.1:8080", 80), (layout.Entry, layout.Published.Host, layout.Published.ContainerPort));
        Assert.Equal(["services/api/container_name: left out, two slots cannot share one container name"], layout.Warnings);
        var blue = layout.RenderSlot("blue");
        Assert.Contains("""
              worker:
                build: .
                command: celery worker
                networks:
                  default: {}
            """, blue, StringComparison.Ordinal);
        Assert.Contains("""
              media:
                external: true
            """, blue, StringComparison.Ordinal);
        Assert.DoesNotContain("container_name", blue, StringComparison.Ordinal);
        Assert.Contains("name: shop-production_files", layout.RenderData(), StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_entry_and_stateful_services_win_and_unknown_names_are_refused_in_one_line()
    {
        const string compose = """
            services:
              app:
                build: .
                ports: ["8000:8000"]
                volumes: [state:/state]
              admin:
                build: ./admin
                ports: ["${ADMIN_PORT}:3000"]
            volumes:
              state: {}
            """;
        var layout = Layout(compose, new ZeroDowntimeConfig { Entry = "admin", Stateful = [] });
        Assert.Equal(("admin", 3000), (layout.Entry, layout.Published.ContainerPort));
        Assert.Equal(["services/app/ports: not published by the slots (the edge publishes admin's ${ADMIN_PORT}:3000 only)"], layout.Warnings);

        var several = Assert.Throws<InvalidInputException>(() => Layout(compose));
        Assert.Equal("zero_downtime: several stateless services publish ports (app, admin); set zero_downtime/entry to the one the edge forwards to", several.Message);
        var unknown = Assert.Throws<InvalidInputException>(() => Layout(compose, new ZeroDowntimeConfig { Stateful = ["postgres"] }));
        Assert.Equal("zero_downtime/stateful: 'postgres' is not a service of the compose files (app, admin)", unknown.Message);
        Assert.Throws<InvalidInputException>(() => Layout(compose).RenderSlot("red; rm -rf /"));
    }

    [Theory]
    [InlineData("${HTTP_PORT:-8080}:80", "${HTTP_PORT:-8080}", 80, "tcp")]
    [InlineData("127.0.0.1:8080:80/tcp", "127.0.0.1:8080", 80, "tcp")]
    [InlineData("${BIND:-0.0.0.0}:${PORT:-80}:8080/udp", "${BIND:-0.0.0.0}:${PORT:-80}", 8080, "udp")]
    [InlineData("80:80", "80", 80, "tcp")]
    public void Short_port_syntax_keeps_variables_whole(string text, string host, int container, string protocol)
    {
        var mapping = PortMapping.Parse(text)!;
        Assert.Equal((host, container, protocol), (mapping.Host, mapping.ContainerPort, mapping.Protocol));
    }

    [Fact]
    public void A_bare_container_port_publishes_nothing_to_take_over_and_a_range_is_refused()
    {
        Assert.Null(PortMapping.Parse("80"));
        Assert.Throws<InvalidInputException>(() => PortMapping.Parse("8000-8010:8000-8010"));
    }
}
