using static DevOpsAgent.Core.Tests.RealProjects.Project;

namespace DevOpsAgent.Core.Tests.RealProjects;

public sealed class ProductionRulesTests
{
    private static List<string> Production(string services) =>
        Summaries(Check(("docker-compose.prod.yml", "services:\n" + services)));

    [Fact]
    public void Read_only_configuration_and_certificates_are_not_code_mounts()
    {
        var findings = Production("""
              proxy:
                image: nginx:1.27
                restart: always
                healthcheck: { test: ["CMD", "true"] }
                ports: ["443:443"]
                volumes:
                  - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
                  - ./certs:/etc/nginx/certs:ro
                  - ./grafana/provisioning:/etc/grafana/provisioning
              api:
                build: ./api
                restart: always
                healthcheck: { test: ["CMD", "true"] }
                volumes:
                  - ./api:/app
            """);

        Assert.Equal(["docker-compose.prod.yml:16 error compose-prod-code-mount"], findings);
    }

    [Fact]
    public void A_database_port_on_every_interface_is_an_error_whatever_the_service_is_called()
    {
        var findings = Production("""
              web:
                image: postgres:16
                restart: always
                healthcheck: { test: ["CMD", "pg_isready"] }
                ports: ["5432:5432"]
              cache:
                image: redis:7
                restart: always
                healthcheck: { test: ["CMD", "redis-cli", "ping"] }
                ports: ["127.0.0.1:6379:6379"]
            """);

        Assert.Equal(["docker-compose.prod.yml:6 error compose-prod-db-port"], findings.Where(f => !f.Contains("db-volume", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_docker_socket_mounted_read_write_is_a_finding()
    {
        var findings = Production("""
              proxy:
                image: traefik:3
                restart: always
                healthcheck: { test: ["CMD", "traefik", "healthcheck"] }
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock
              watcher:
                image: traefik:3
                restart: always
                healthcheck: { test: ["CMD", "true"] }
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock:ro
            """);

        Assert.Equal(["docker-compose.prod.yml:7 error compose-docker-socket"], findings);
    }

    [Fact]
    public void One_shot_jobs_need_neither_a_healthcheck_nor_a_restart_policy()
    {
        var findings = Production("""
              prestart:
                build: ./backend
                command: bash scripts/prestart.sh
              migrate:
                build: ./backend
                restart: "no"
                command: alembic upgrade head
              backend:
                build: ./backend
                restart: always
                healthcheck: { test: ["CMD", "true"] }
                depends_on:
                  prestart:
                    condition: service_completed_successfully
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void A_job_waited_for_as_healthy_is_told_to_wait_for_completion()
    {
        var findings = Check(("docker-compose.yml", """
            services:
              migrate:
                build: .
                command: alembic upgrade head
              api:
                build: .
                healthcheck: { test: ["CMD", "true"] }
                depends_on: [migrate]
            """));

        var finding = Assert.Single(findings, f => f.RuleId == "compose-depends-on-healthy");
        Assert.Contains("service_completed_successfully", finding.Fix, StringComparison.Ordinal);
    }
}
