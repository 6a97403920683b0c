using DevOpsAgent.Core.Quality;

namespace DevOpsAgent.Core.Tests.Quality;

public sealed class SecretScanTests
{
    private static IReadOnlyList<Finding> Scan(string path, string content) =>
        SecretScan.Run(new ProjectSnapshot([new ProjectFile(path, content)], GitFacts.None));

    [Theory]
    [InlineData("app/oauth.py", "api_key = client_config.get(\"key\")")]
    [InlineData("app/oauth.py", "access_token = oauth_client.fetch_token(code)")]
    [InlineData("app/pay.py", "payment_token = refund_upload.get(\"user\", 48)")]
    [InlineData("src/api.ts", "const secretKey = runtimeConfiguration.secretKeyFromVault")]
    [InlineData("settings.yml", "api_token: lookup(credentialStoreXyz)")]
    public void Expressions_assigned_to_secret_named_variables_are_not_secrets(string path, string line) =>
        Assert.Empty(Scan(path, line + "\n"));

    [Theory]
    [InlineData("app/settings.py", "SECRET_KEY = \"q8Zt3vLw9xPk2mRn7bYc\"", "secret-high-entropy")]
    [InlineData("config/.env.production", "SECRET_KEY=q8Zt3vLw9xPk2mRn7bYc", "secret-high-entropy")]
    [InlineData("config/app.ini", "api_token = q8Zt3vLw9xPk2mRn7bYc", "secret-high-entropy")]
    [InlineData("src/api.py", "API_TOKEN = 'hunter2hunter2'", "secret-assignment")]
    public void Literals_assigned_to_secret_named_variables_are_found(string path, string line, string rule) =>
        Assert.Contains(Scan(path, line + "\n"), f => f.RuleId == rule);
}
