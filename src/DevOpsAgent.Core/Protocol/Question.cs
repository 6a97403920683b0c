namespace DevOpsAgent.Core.Protocol;

/// <summary>What a CONSULT message asks; answering never changes anything.</summary>
public abstract record Question
{
    /// <summary>The question's name in JSON answers and MCP results.</summary>
    public abstract string Kind { get; }
}

public sealed record StatusQuestion(string Environment) : Question
{
    public override string Kind => "status";
}

/// <summary>Which variables the project needs, where each is used, and (per server, or on <see cref="Environment"/>) which are missing.</summary>
public sealed record RequiredVariablesQuestion(string? Environment) : Question
{
    public override string Kind => "required_variables";
}

public sealed record LastDeployQuestion(string Environment) : Question
{
    public override string Kind => "last_deploy";
}

public sealed record MigrationStatusQuestion(string Environment) : Question
{
    public override string Kind => "migration_status";
}

/// <summary>The Database Agent's question before a deploy: does the task's release bring migrations?</summary>
public sealed record MigrationsNeededQuestion(string TaskId) : Question
{
    public override string Kind => "migrations_needed";
}

public sealed record DeployedWhereQuestion : Question
{
    public override string Kind => "deployed_where";
}

public sealed record PreflightQuestion(string TaskId) : Question
{
    public override string Kind => "preflight";
}

public sealed record LogsQuestion(string Environment, string? Service) : Question
{
    public override string Kind => "logs";
}
