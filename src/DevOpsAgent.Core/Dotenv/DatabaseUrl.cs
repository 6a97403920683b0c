namespace DevOpsAgent.Core.Dotenv;

/// <summary>Whether a DATABASE_URL is well formed; the reason names the part, never the value.</summary>
public static class DatabaseUrl
{
    private static readonly string[] Schemes =
    [
        "postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2",
        "mysql", "mysql+pymysql", "mysql+aiomysql", "mariadb", "sqlite", "sqlite+aiosqlite",
    ];

    /// <summary>Null when well formed, else what is wrong with it.</summary>
    public static string? Problem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            var scheme = value.Split("://", 2)[0];
            return value.Contains("://", StringComparison.Ordinal) && Schemes.Contains(scheme.ToLowerInvariant())
                ? "is not a valid URL (check the host and that the port is a number)"
                : "is not a URL of the form scheme://user:password@host:port/database";
        }

        if (!Schemes.Contains(uri.Scheme.ToLowerInvariant()))
        {
            return $"has an unknown scheme '{uri.Scheme}' (expected postgresql://, mysql:// or sqlite://)";
        }

        if (uri.Scheme.StartsWith("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "has no host";
        }

        if (uri.AbsolutePath.Trim('/').Length == 0)
        {
            return "names no database (add /dbname)";
        }

        return null;
    }
}
