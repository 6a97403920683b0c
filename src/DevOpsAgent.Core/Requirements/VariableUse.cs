namespace DevOpsAgent.Core.Requirements;

public enum Need
{
    /// <summary>Nothing supplies a value: the variable must be set (<c>${X}</c>, <c>${X:?}</c>, <c>os.environ["X"]</c>).</summary>
    Required,

    /// <summary>A default applies when it is unset (<c>${X:-d}</c>, <c>os.getenv("X", d)</c>, a settings field with a default).</summary>
    Defaulted,

    /// <summary>Read, but the code copes with its absence (<c>os.getenv("X")</c>).</summary>
    Optional,
}

/// <summary>One place that reads a variable.</summary>
public sealed record VariableUse(string File, int Line, string Source, Need Need);

/// <summary>A variable the project needs, every place that reads it, and whether .env.example documents it.</summary>
public sealed record RequiredVariable(string Name, IReadOnlyList<VariableUse> Uses, bool Documented)
{
    /// <summary>Required when any use needs it without a default.</summary>
    public Need Need => Uses.Any(u => u.Need == Need.Required) ? Need.Required
        : Uses.Any(u => u.Need == Need.Defaulted) ? Need.Defaulted : Need.Optional;
}
