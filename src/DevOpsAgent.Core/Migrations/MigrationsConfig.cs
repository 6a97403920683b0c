using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Configuration;

namespace DevOpsAgent.Core.Migrations;

/// <summary>Where alembic lives: the compose service whose image runs it, the database service, the migration files.</summary>
public sealed record MigrationsConfig
{
    public string Service { get; init; } = "backend";

    public string DatabaseService { get; init; } = "db";

    /// <summary>The folder of migration files in the repository, read on the server for downgrade analysis.</summary>
    public string Versions { get; init; } = "backend/alembic/versions";

    internal static MigrationsConfig? Read(ConfigReader reader, ConfigMapping? mapping)
    {
        if (mapping is null)
        {
            return null;
        }

        reader.AllowOnly(mapping, "service", "database_service", "versions");
        var defaults = new MigrationsConfig();
        var config = new MigrationsConfig
        {
            Service = reader.String(mapping, "service") ?? defaults.Service,
            DatabaseService = reader.String(mapping, "database_service") ?? defaults.DatabaseService,
            Versions = reader.String(mapping, "versions") ?? defaults.Versions,
        };
        foreach (var (key, value) in new[] { ("service", config.Service), ("database_service", config.DatabaseService) })
        {
            if (!ServiceName.IsValid(value))
            {
                reader.Problem(mapping[key]!, "should be a compose service name");
            }
        }

        if (config.Versions.StartsWith('/') || config.Versions.Split('/').Contains(".."))
        {
            reader.Problem(mapping["versions"]!, "should be a path inside the repository");
        }

        return config;
    }
}
