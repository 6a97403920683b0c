using System.Text.Json;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Tests.Cli;

public sealed class RequiredVariablesTests
{
    [Fact]
    public async Task I_can_list_every_variable_the_project_reads_with_its_uses()
    {
        using var project = new TempProject()
            .Write(".env.example", "DATABASE_URL=\nSECRET_KEY=\n")
            .Write("docker-compose.yml", """
                services:
                  backend:
                    image: "app:${TAG:-latest}"
                    env_file: .env
                    environment:
                      - DATABASE_URL=${DATABASE_URL:?set it}
                      - SENTRY_DSN
                  frontend:
                    environment:
                      API: ${API_BASE_URL}
                      PASSTHROUGH:
                """)
            .Write("backend/app/config.py", """
                import os
                from pydantic_settings import BaseSettings, SettingsConfigDict

                class Settings(BaseSettings):
                    model_config = SettingsConfigDict(env_file=".env")
                    database_url: str
                    secret_key: str = Field(..., alias="SECRET_KEY")
                    debug: bool = False

                REDIS = os.environ["REDIS_URL"]
                LOG = os.getenv("LOG_LEVEL", "info")
                MAYBE = os.environ.get('FEATURE_X')
                """)
            .Write("frontend/src/api.ts", "export const base = import.meta.env.VITE_API_BASE_URL ?? '/api'\nconst k = import.meta.env.VITE_KEY\n");

        var (code, output, _) = await project.RunAsync("env", "required", "--json");

        Assert.Equal(ExitCodes.Success, code);
        var variables = JsonDocument.Parse(output).RootElement.GetProperty("variables").EnumerateArray()
            .Select(v => $"{v.GetProperty("name").GetString()} {v.GetProperty("need").GetString()} {v.GetProperty("documented").GetBoolean()} "
                + string.Join(",", v.GetProperty("uses").EnumerateArray().Select(u => $"{u.GetProperty("file").GetString()}:{u.GetProperty("line").GetInt32()}")))
            .ToList();
        Assert.Equal(
        [
            "API_BASE_URL required False docker-compose.yml:10",
            "DATABASE_URL required True backend/app/config.py:6,docker-compose.yml:6",
            "DEBUG defaulted False backend/app/config.py:8",
            "FEATURE_X required False backend/app/config.py:12",
            "LOG_LEVEL defaulted False backend/app/config.py:11",
            "PASSTHROUGH required False docker-compose.yml:11",
            "REDIS_URL required False backend/app/config.py:10",
            "SECRET_KEY required True backend/app/config.py:7",
            "SENTRY_DSN required False docker-compose.yml:7",
            "TAG defaulted False docker-compose.yml:3",
            "VITE_API_BASE_URL defaulted False frontend/src/api.ts:1",
            "VITE_KEY required False frontend/src/api.ts:2",
        ], variables);
    }
}
