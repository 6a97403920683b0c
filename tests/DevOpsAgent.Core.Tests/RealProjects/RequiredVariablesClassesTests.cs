using DevOpsAgent.Core.Requirements;
using static DevOpsAgent.Core.Tests.RealProjects.Project;

namespace DevOpsAgent.Core.Tests.RealProjects;

public sealed class RequiredVariablesClassesTests
{
    private static Dictionary<string, Need> Needs(params (string Path, string Content)[] files) =>
        RequiredVariables.Discover(Of(files)).Variables.ToDictionary(v => v.Name, v => v.Need);

    [Fact]
    public void Compose_defaults_even_empty_ones_make_a_variable_optional_and_bare_references_make_it_required()
    {
        var needs = Needs(("compose.yaml", """
            services:
              api:
                image: "api:${TAG:-latest}"
                environment:
                  SMTP_USER: ${SMTP_USER:-}
                  SMTP_HOST: ${SMTP_HOST}
                  SECRET_KEY: ${SECRET_KEY:?set it}
                  SENTRY: ${SENTRY_DSN:+on}
            """));

        Assert.Equal(Need.Defaulted, needs["TAG"]);
        Assert.Equal(Need.Optional, needs["SMTP_USER"]);
        Assert.Equal(Need.Required, needs["SMTP_HOST"]);
        Assert.Equal(Need.Required, needs["SECRET_KEY"]);
        Assert.Equal(Need.Optional, needs["SENTRY_DSN"]);
    }

    [Fact]
    public void A_getenv_without_default_is_required_unless_the_code_checks_for_none()
    {
        var needs = Needs(("app/settings.py", """
            import os
            SITE_DOMAIN = os.getenv("SITE_DOMAIN")
            DATABASE_URL = os.environ["DATABASE_URL"]
            LOG_LEVEL = os.environ.get("LOG_LEVEL", "info")
            db_url = os.getenv("OVERRIDE_URL")
            if db_url:
                print(db_url)
            if os.getenv("USE_S3") == "TRUE":
                pass
            if USE_MAILCHIMP:
                MAILCHIMP_API_KEY = os.getenv("MAILCHIMP_API_KEY")
            """));

        Assert.Equal(Need.Required, needs["SITE_DOMAIN"]);
        Assert.Equal(Need.Required, needs["DATABASE_URL"]);
        Assert.Equal(Need.Defaulted, needs["LOG_LEVEL"]);
        Assert.Equal(Need.Optional, needs["OVERRIDE_URL"]);
        Assert.Equal(Need.Optional, needs["USE_S3"]);
        Assert.Equal(Need.Optional, needs["MAILCHIMP_API_KEY"]);
    }

    [Fact]
    public void Pydantic_fields_with_defaults_are_not_required_and_django_environ_reads_are()
    {
        var needs = Needs(
            ("backend/app/core/config.py", """
                from pydantic_settings import BaseSettings
                class Settings(BaseSettings):
                    PROJECT_NAME: str
                    SMTP_PASSWORD: str | None = None
                    SMTP_PORT: int = 587
                """),
            ("backend/server/settings.py", "import environ\nenv = environ.Env()\nSECRET_KEY = env('SECRET_KEY')\nDEBUG = env.bool('DEBUG', default=False)\n"));

        Assert.Equal(Need.Required, needs["PROJECT_NAME"]);
        Assert.Equal(Need.Defaulted, needs["SMTP_PASSWORD"]);
        Assert.Equal(Need.Defaulted, needs["SMTP_PORT"]);
        Assert.Equal(Need.Required, needs["SECRET_KEY"]);
        Assert.Equal(Need.Defaulted, needs["DEBUG"]);
    }

    [Fact]
    public void Tests_and_tool_configuration_are_not_what_a_deploy_needs()
    {
        var needs = Needs(
            ("backend/tests/conftest.py", "import os\nURL = os.environ['TEST_DATABASE_URL']\n"),
            ("frontend/playwright.config.ts", "const ci = process.env.VITE_CI_ONLY\n"),
            ("frontend/src/api.ts", "const base = import.meta.env.VITE_API_URL\nconst on = process.env.REACT_APP_FLAG === '1'\n"));

        Assert.False(needs.ContainsKey("TEST_DATABASE_URL"));
        Assert.False(needs.ContainsKey("VITE_CI_ONLY"));
        Assert.Equal(Need.Required, needs["VITE_API_URL"]);
        Assert.Equal(Need.Optional, needs["REACT_APP_FLAG"]);
    }

    [Fact]
    public void Templates_of_any_name_and_folder_document_their_keys_and_compose_values_supply_theirs()
    {
        var report = RequiredVariables.Discover(Of(
            (".env.dev.example", "SECRET_KEY=\n"),
            ("frontend/.env.sample", "VITE_API_URL=\n"),
            ("compose.yaml", """
                services:
                  api:
                    build: .
                    environment:
                      SECRET_KEY: ${SECRET_KEY}
                      SERVER_NAME: ${DOMAIN:?}
                      API_TOKEN: ${API_TOKEN}
                """),
            ("app/config.py", "import os\nSERVER_NAME = os.environ['SERVER_NAME']\nAPP_ENV = os.environ['APP_ENV']\n"),
            ("backend/Dockerfile", "FROM python:3.12\nENV APP_ENV=production PYTHONUNBUFFERED=1\nARG VITE_API_URL\nENV API_TOKEN=$API_TOKEN\n"),
            ("frontend/src/main.ts", "const url = import.meta.env.VITE_API_URL\n")));

        var documented = report.Variables.ToDictionary(v => v.Name, v => v.Documented);
        Assert.True(documented["SECRET_KEY"]);
        Assert.True(documented["VITE_API_URL"]);
        Assert.True(documented["SERVER_NAME"]);
        Assert.True(documented["APP_ENV"]);
        Assert.False(documented["DOMAIN"]);
        Assert.False(documented["API_TOKEN"]);
    }

    [Theory]
    [InlineData(".env.example", ".env")]
    [InlineData(".env.sample", ".env")]
    [InlineData(".env.dev.example", ".env.dev")]
    [InlineData(".env.prod-sample", ".env.prod")]
    [InlineData("client/.env.example", "client/.env")]
    [InlineData("backend/.env.test.example", "backend/.env.test")]
    public void Each_template_is_paired_with_the_env_file_it_documents(string template, string envFile) =>
        Assert.Equal(envFile, Core.Quality.ExampleFiles.EnvPathFor(template));
}
