using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Edge;

/// <summary>One slot's server in the edge, as HAProxy sees it.</summary>
/// <param name="Status">HAProxy's status: <c>UP</c>, <c>DOWN</c>, <c>DRAIN</c>, <c>MAINT</c>, <c>MAINT (resolution)</c>, <c>no check</c>;
/// a transition shows its check count (<c>DRAIN 1/2</c>: leaving maintenance, not checked since).</param>
/// <param name="CurrentSessions">Requests in flight on the server (HAProxy's <c>scur</c>).</param>
public sealed record EdgeServer(Slot Slot, string Status, int CurrentSessions)
{
    /// <summary>The last check's result: <c>L7OK</c>, <c>L7STS</c> (wrong status), <c>L4CON</c> (refused), <c>INI</c> (none yet); empty in maintenance.</summary>
    public string CheckStatus { get; init; } = "";

    /// <summary>The HTTP status of the last check, or empty.</summary>
    public string CheckCode { get; init; } = "";

    /// <summary>The server's resolved address and port, or empty while its name does not resolve.</summary>
    public string Address { get; init; } = "";

    /// <summary>
    /// HAProxy's own check passed since the server left maintenance: it can reach the slot. A server leaving
    /// maintenance counts as up before any check (<c>DRAIN 1/2</c>) and keeps its last result, so only a settled
    /// <c>UP</c> or <c>DRAIN</c> with a passing check counts (with <c>rise 1</c>, one check settles it). While a check
    /// runs HAProxy shows the last result behind <c>* </c> (<c>* L7OK</c>): that one counts too (seen on the bed: a
    /// slot checked up, read again a moment later, refused the switch as <c>DRAIN (* L7OK 0)</c>).
    /// </summary>
    public bool IsCheckedUp => Status is "UP" or "DRAIN" && CheckStatus is "L7OK" or "* L7OK";

    /// <summary>
    /// Receives new requests (not drained, not in maintenance, not down). The live slot's checks are stopped by the
    /// switch (<c>disable health</c>): HAProxy reports it <c>no check</c>, and sends it everything.
    /// </summary>
    public bool IsServing => Status.StartsWith("UP", StringComparison.Ordinal) || Status == "no check";

    /// <summary>HAProxy runs its health check on this server (false once a switch made it live and stopped them).</summary>
    public bool IsChecked => Status != "no check";

    /// <summary>
    /// In maintenance and resolved: put there by the configuration (<c>disabled</c>) or by a switch. An unresolved
    /// server is not counted: HAProxy shows <c>MAINT (resolution)</c> whether it is also disabled or is the live
    /// slot whose container's name has not resolved yet, so only its status after resolution tells.
    /// </summary>
    public bool InMaintenance => Status.StartsWith("MAINT", StringComparison.Ordinal) && !IsUnresolved;

    /// <summary>The server's name does not resolve (yet): no container answers to it on the edge's network.</summary>
    public bool IsUnresolved => Status == "MAINT (resolution)";

    /// <summary>For messages: <c>DOWN (L7STS 403)</c>, <c>MAINT (resolution)</c>.</summary>
    public string Describe() =>
        CheckStatus.Length == 0 || InMaintenance || IsUnresolved ? Status : $"{Status} ({CheckStatus}{(CheckCode.Length > 0 ? " " + CheckCode : "")})";
}

/// <summary>Reads HAProxy's <c>show stat</c> CSV: the header line names the columns, so their order does not matter.</summary>
public static class EdgeStat
{
    public static IReadOnlyList<EdgeServer> Parse(string showStatCsv)
    {
        var lines = showStatCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.FirstOrDefault(line => line.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new DevOpsAgentException($"edge: HAProxy's statistics have no header line: '{InputText.Quote(lines.FirstOrDefault() ?? "(empty answer)")}'", ExitCodes.CommandFailed);
        var columns = Split(header[2..]).Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        int Column(string name) => columns.TryGetValue(name, out var index)
            ? index
            : throw new DevOpsAgentException($"edge: HAProxy's statistics have no '{name}' column", ExitCodes.CommandFailed);
        int proxy = Column("pxname"), server = Column("svname"), sessions = Column("scur"), status = Column("status");
        int checkStatus = Column("check_status"), checkCode = Column("check_code"), address = Column("addr");

        var servers = new List<EdgeServer>();
        foreach (var line in lines.Where(line => !line.StartsWith('#')))
        {
            var fields = Split(line);
            string Field(int index) => index < fields.Count ? fields[index] : "";
            if (Field(proxy) != HaproxyConfig.Backend || Slots.Parse(Field(server)) is not { } slot)
            {
                continue;
            }

            servers.Add(new EdgeServer(slot, Field(status), int.TryParse(Field(sessions), out var current) ? current : 0)
            {
                CheckStatus = Field(checkStatus),
                CheckCode = Field(checkCode),
                Address = Field(address),
            });
        }

        return servers;
    }

    // HAProxy quotes a field that contains a comma or a quote, doubling the quotes inside, as RFC 4180 does.
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
