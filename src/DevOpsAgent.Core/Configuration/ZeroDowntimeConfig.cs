using DevOpsAgent.Core.Compose;

namespace DevOpsAgent.Core.Configuration;

/// <summary>
/// An environment deployed without downtime: its stateful services in one long-lived data project, the others in
/// two slots (blue, green) behind an edge that owns the published port and switches between them.
/// <code>
/// zero_downtime:
///   entry: frontend            # the service the edge forwards to (default: the one stateless service publishing a port)
///   stateful: [db, redis]      # default: recognised by image (postgres, redis, …) or by a named volume on an unbuilt service
///   drain_timeout: 30s         # how long in-flight requests to the old slot may take to finish
///   keep_previous_running: 5m  # 0 (default): the old slot is stopped but kept after the switch
///   maintenance_window: false  # true: a destructive or locking migration may run (the old slot stops first)
/// </code>
/// <c>zero_downtime: true</c> takes every default.
/// </summary>
public sealed record ZeroDowntimeConfig
{
    /// <summary>The stateless service that publishes the stack's port; null: found from the compose file.</summary>
    public string? Entry { get; init; }

    /// <summary>The stateful services; null: recognised from the compose file.</summary>
    public IReadOnlyList<string>? Stateful { get; init; }

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan KeepPreviousRunning { get; init; } = TimeSpan.Zero;

    public bool MaintenanceWindow { get; init; }

    internal static ZeroDowntimeConfig? Read(ConfigReader reader, ConfigNode? node)
    {
        switch (node)
        {
            case null:
            case ConfigScalar { Value: "false" or "no" or "off" }:
                return null;
            case ConfigScalar { Value: "true" or "yes" or "on" }:
                return new ZeroDowntimeConfig();
            case ConfigScalar scalar:
                reader.Problem(scalar, "expected true, false or a mapping (entry, stateful, drain_timeout, keep_previous_running, maintenance_window)");
                return null;
        }

        var mapping = reader.Mapping(node);
        if (mapping is null)
        {
            return null;
        }

        reader.AllowOnly(mapping, "entry", "stateful", "drain_timeout", "keep_previous_running", "maintenance_window");
        var defaults = new ZeroDowntimeConfig();
        var entry = reader.String(mapping, "entry");
        if (entry is not null && !ServiceName.IsValid(entry))
        {
            reader.Problem(mapping["entry"]!, "not a compose service name");
        }

        IReadOnlyList<string>? stateful = mapping["stateful"] is null ? null : reader.StringList(mapping, "stateful");
        foreach (var name in stateful ?? [])
        {
            if (!ServiceName.IsValid(name))
            {
                reader.Problem(mapping["stateful"]!, $"'{Errors.InputText.Quote(name)}' is not a compose service name");
            }
        }

        return new ZeroDowntimeConfig
        {
            Entry = entry,
            Stateful = stateful,
            DrainTimeout = reader.Duration(mapping, "drain_timeout", defaults.DrainTimeout),
            KeepPreviousRunning = reader.Duration(mapping, "keep_previous_running", defaults.KeepPreviousRunning),
            MaintenanceWindow = reader.Boolean(mapping, "maintenance_window", false),
        };
    }
}
