using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Quality;
using static DevOpsAgent.Core.Tests.RealProjects.Project;

namespace DevOpsAgent.Core.Tests.RealProjects;

public sealed class ComposeModelTests
{
    private const string Base = """
        services:
          db:
            image: postgres:16
            volumes:
              - db-data:/var/lib/postgresql/data
          backend:
            build: ./backend
            depends_on:
              db:
                condition: service_healthy
        volumes:
          db-data:
        """;

    [Fact]
    public void A_healthcheck_in_the_override_satisfies_the_service_of_the_base_file()
    {
        var findings = Check(("compose.yml", Base), ("compose.override.yml", """
            services:
              db:
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready"]
              backend:
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
            """));

        Assert.Empty(Summaries(findings));
    }

    [Fact]
    public void A_finding_names_the_file_that_wrote_the_offending_line()
    {
        var findings = Check(("docker-compose.yml", Base), ("docker-compose.override.yml", """
            services:
              backend:
                depends_on:
                  - cache
              cache:
                image: redis:7
                healthcheck:
                  test: ["CMD", "redis-cli", "ping"]
            """));

        Assert.Equal(
        [
            "docker-compose.override.yml:4 error compose-depends-on-healthy",
            "docker-compose.yml:2 error compose-healthcheck",
            "docker-compose.yml:6 error compose-healthcheck",
        ], Summaries(findings));
    }

    [Fact]
    public void Services_behind_a_profile_are_not_part_of_the_deployed_model()
    {
        var findings = Check(("compose.yaml", """
            services:
              app:
                build: .
                healthcheck:
                  test: ["CMD", "true"]
              debug-shell:
                image: busybox
                profiles: ["debug"]
            """));

        Assert.Empty(Summaries(findings));
    }

    [Fact]
    public void Merge_keys_and_extends_bring_their_healthcheck_along()
    {
        var findings = Check(("compose.yaml", """
            x-health: &health
              healthcheck:
                test: ["CMD", "curl", "-f", "http://localhost/health"]
            services:
              api:
                <<: *health
                build: ./api
              worker:
                extends: api
                command: celery worker
            """));

        Assert.Empty(Summaries(findings));
    }

    [Fact]
    public void The_production_set_is_what_devops_agent_yml_deploys_whatever_the_files_are_called()
    {
        var project = Of(
            ("devops-agent.yml", """
                project: shop
                repository: git@example.com:shop.git
                environments:
                  production:
                    server: prod.example.com
                    user: deploy
                    path: /srv/shop
                    tag: v1.0.0
                    compose_files: [compose.yml, compose.live.yml]
                """),
            ("compose.yml", Base.Replace("    build: ./backend", "    build: ./backend\n    restart: always", StringComparison.Ordinal)),
            ("compose.live.yml", """
                services:
                  backend:
                    ports:
                      - "8000:8000"
                """));

        var sets = ComposeSets.Discover(project, ComposeProject.Load(project).Files);

        Assert.Equal(["compose.yml + compose.live.yml", "compose.yml"], sets.Select(s => s.Name));
        Assert.True(sets[0].IsProduction);
        Assert.False(sets[1].Deployed);
        Assert.Contains("compose.live.yml:4 error compose-prod-published-port", Summaries(ProjectCheck.Run(project)));
    }

    [Fact]
    public void The_sets_a_loaded_configuration_deploys_win_over_the_files_of_the_project()
    {
        var config = Core.Configuration.AgentConfig.Read(Infrastructure.Configuration.YamlConfigLoader.Parse("""
            project: shop
            repository: git@example.com:shop.git
            environments:
              production:
                server: prod.example.com
                user: deploy
                path: /srv/shop
                tag: v1.0.0
                preflight:
                  tested_on: production
                compose_files: [./compose.yml, compose.live.yml]
            """), new Dictionary<string, string>(), "elsewhere/devops-agent.yml");

        var sets = ComposeSets.FromAgentConfig(config);

        Assert.Equal("compose.yml + compose.live.yml", Assert.Single(sets).Name);
        Assert.True(sets[0].IsProduction);
        var project = Of(("compose.yml", "services:\n  web:\n    build: .\n")) with { ConfiguredSets = sets };
        Assert.Contains(ProjectCheck.Run(project), f => f.RuleId == "compose-missing" && f.Message.Contains("compose.live.yml", StringComparison.Ordinal));
    }

    [Fact]
    public void Findings_of_the_development_pair_are_warnings_when_devops_agent_yml_deploys_another_set()
    {
        var project = Of(
            ("devops-agent.yml", "project: shop\nrepository: r\ncompose_files: [docker-compose.prod.yml]\nenvironments:\n  staging:\n    branch: main\n"),
            ("docker-compose.yml", "services:\n  web:\n    build: .\n"),
            ("docker-compose.prod.yml", "services:\n  web:\n    build: .\n    restart: always\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n"));

        Assert.Equal(["docker-compose.yml:2 warning compose-healthcheck"], Summaries(ProjectCheck.Run(project)));
    }

    [Fact]
    public void A_compose_file_that_is_not_yaml_is_a_finding_not_a_crash()
    {
        var findings = Check(("docker-compose.yml", "services:\n  web:\n    image: [unclosed\n"));

        Assert.Contains(findings, f => f.RuleId == "compose-invalid-yaml" && f.File == "docker-compose.yml");
    }

    [Fact]
    public void Services_without_networks_share_compose_default_network()
    {
        var findings = Check(("compose.yaml", """
            services:
              a:
                image: nginx
                healthcheck: { test: ["CMD", "true"] }
              b:
                image: nginx
                healthcheck: { test: ["CMD", "true"] }
            """));

        Assert.DoesNotContain(findings, f => f.RuleId == "compose-network");
    }
}
