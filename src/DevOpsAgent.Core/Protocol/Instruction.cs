using DevOpsAgent.Core.Git;

namespace DevOpsAgent.Core.Protocol;

/// <summary>What an EXECUTE message asks for, every value in it already validated.</summary>
public abstract record Instruction(string Environment)
{
    /// <summary>The action's name in reports: deploy, rollback, restart, migrate, check_migrations, status.</summary>
    public abstract string Action { get; }

    /// <summary>Whether carrying it out changes what runs on the server.</summary>
    public virtual bool Changes => true;

    public abstract string Describe();
}

/// <summary>What a deploy takes: the task's own ref, or a branch, tag or other ref named in the message.</summary>
public enum RefSource
{
    Task,
    Branch,
    Tag,
    Ref,
}

/// <summary>Deploy <see cref="Ref"/> (null: the task's ref, else the environment's branch or tag).</summary>
public sealed record DeployInstruction(string Environment, RefSource Source, GitRef? Ref) : Instruction(Environment)
{
    public override string Action => "deploy";

    public override string Describe() => Ref is null ? $"deploy the task's release to {Environment}" : $"deploy {Source.ToString().ToLowerInvariant()} {Ref} to {Environment}";
}

/// <summary>Roll back to <see cref="To"/>, or to the release before the current one.</summary>
public sealed record RollbackInstruction(string Environment, GitRef? To) : Instruction(Environment)
{
    public override string Action => "rollback";

    public override string Describe() => To is null ? $"roll back {Environment} to its previous release" : $"roll back {Environment} to {To}";
}

public sealed record RestartInstruction(string Environment, string? Service) : Instruction(Environment)
{
    public override string Action => "restart";

    public override string Describe() => Service is null ? $"restart every service on {Environment}" : $"restart {Service} on {Environment}";
}

/// <summary>Apply pending migrations, or only report them.</summary>
public sealed record MigrationsInstruction(string Environment, bool Apply) : Instruction(Environment)
{
    public override string Action => Apply ? "migrate" : "check_migrations";

    public override bool Changes => Apply;

    public override string Describe() => Apply ? $"run migrations on {Environment}" : $"check migrations on {Environment}";
}

public sealed record StatusInstruction(string Environment) : Instruction(Environment)
{
    public override string Action => "status";

    public override bool Changes => false;

    public override string Describe() => $"report the status of {Environment}";
}
