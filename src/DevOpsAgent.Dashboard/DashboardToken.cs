using System.Security.Cryptography;
using System.Text;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Dashboard;

/// <summary>The shared secret every request must carry when the dashboard is bound beyond loopback. Never printed.</summary>
public sealed class DashboardToken
{
    public const int MinLength = 16;
    private readonly byte[] _value;

    private DashboardToken(string value) => _value = Encoding.UTF8.GetBytes(value);

    public static DashboardToken Parse(string value, string source)
    {
        var trimmed = value.Trim();
        if (trimmed.Length < MinLength || trimmed.Any(char.IsWhiteSpace))
        {
            throw new DevOpsAgentException($"{source}: the dashboard token must be at least {MinLength} characters without spaces", ExitCodes.InvalidConfiguration);
        }

        return new DashboardToken(trimmed);
    }

    public static DashboardToken? FromFileOrEnvironment(string? file, string? environmentValue)
    {
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new DevOpsAgentException($"--token-file {InputText.Quote(file)}: no such file", ExitCodes.InvalidConfiguration);
            }

            return Parse(File.ReadAllText(file), $"--token-file {InputText.Quote(file)}");
        }

        return string.IsNullOrEmpty(environmentValue) ? null : Parse(environmentValue, "$DEVOPS_AGENT_DASHBOARD_TOKEN");
    }

    /// <summary>Constant time in the length of what is compared, so a timing side channel gives nothing away.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(_value));

    /// <summary>What the session cookie holds: a hash, so the token itself is not stored in the browser.</summary>
    public string CookieValue => Convert.ToHexString(SHA256.HashData([.. "devops-agent-dashboard:"u8, .. _value]));

    public bool MatchesCookie(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate.PadRight(64)[..64]), Encoding.ASCII.GetBytes(CookieValue));

    public override string ToString() => "***";
}
