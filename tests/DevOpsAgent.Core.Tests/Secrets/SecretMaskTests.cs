using DevOpsAgent.Core.Dotenv;
using DevOpsAgent.Core.Secrets;

namespace DevOpsAgent.Core.Tests.Secrets;

/// <summary>The live logs' masking: the server's own secret values wherever they appear, and the patterns for the rest.</summary>
public sealed class SecretMaskTests
{
    private const string Canary = "canary-7f3a9c2e41";

    private static readonly string Env = $"""
        APP_ENV=production
        POSTGRES_USER=shop
        POSTGRES_PASSWORD={Canary}
        DATABASE_URL=postgresql://shop:{Canary}@db:5432/shop
        SECRET_KEY="k3y-with spaces-0123456789"
        PUBLIC_URL=https://shop.example.com
        """;

    [Theory]
    [InlineData("backend_1 | connecting with " + Canary)]
    [InlineData("backend_1 | " + Canary)]
    [InlineData("db_1 | FATAL: password authentication failed for user \"shop\" (" + Canary + ")")]
    [InlineData("backend_1 | sqlalchemy url=postgresql://shop:" + Canary + "@db:5432/shop")]
    public void A_secret_value_from_the_servers_env_never_survives_wherever_it_sits_in_a_line(string line)
    {
        var masked = SecretMask.From(DotenvParser.Parse(Env, ".env")).Apply(line);
        Assert.DoesNotContain(Canary, masked);
        Assert.Contains(SecretMask.Masked, masked);
    }

    [Fact]
    public void Values_with_spaces_are_masked_whole_and_what_is_not_secret_is_left_readable()
    {
        var mask = SecretMask.From(DotenvParser.Parse(Env, ".env"));
        Assert.Equal("worker_1 | signing with *** for shop at https://shop.example.com", mask.Apply("worker_1 | signing with k3y-with spaces-0123456789 for shop at https://shop.example.com"));
        Assert.Equal(2, mask.KnownValues);
    }

    [Fact]
    public void Without_an_env_the_patterns_still_mask_assignments_and_url_passwords()
    {
        Assert.Equal("api_1 | API_TOKEN=*** url postgresql://u:***@db/x", SecretMask.PatternsOnly.Apply("api_1 | API_TOKEN=abc123456 url postgresql://u:pw@db/x"));
    }

    [Fact]
    public void A_malformed_env_is_still_read_line_by_line_so_its_secrets_stay_hidden()
    {
        var mask = SecretMask.FromText($"POSTGRES_PASSWORD={Canary}\nTHIS LINE IS BROKEN\nexport API_KEY='{Canary}-2'\n", ".env");
        Assert.Throws<DotenvException>(() => DotenvParser.Parse($"POSTGRES_PASSWORD={Canary}\nTHIS LINE IS BROKEN\n", ".env"));
        Assert.Equal("*** and ***", mask.Apply($"{Canary}-2 and {Canary}"));
    }

    [Fact]
    public void Values_too_short_to_mask_everywhere_are_left_to_the_patterns()
    {
        var mask = SecretMask.From(DotenvParser.Parse("DB_PASSWORD=db\n", ".env"));
        Assert.Equal(0, mask.KnownValues);
        Assert.Equal("db_1 | ready", mask.Apply("db_1 | ready"));
    }
}
