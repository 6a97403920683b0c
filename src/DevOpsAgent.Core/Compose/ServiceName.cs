using System.Text.RegularExpressions;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Compose;

public static partial class ServiceName
{
    /// <summary>Accepts compose's service-name syntax only, so a name taken from input can never become shell.</summary>
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    public static string Validate(string name) =>
        IsValid(name) ? name : throw new InvalidInputException($"Invalid service name '{InputText.Quote(name)}': use letters, digits, '.', '_' or '-'.");

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}\z")]
    private static partial Regex Pattern();
}
