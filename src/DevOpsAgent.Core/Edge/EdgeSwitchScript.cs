using System.Globalization;
using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Edge;

/// <summary>
/// The switch as one bash script run inside the edge container (one <c>docker exec</c>, where a switch through
/// single runtime-API calls took six, each a docker exec and a bash start: seconds on a loaded host). It reads the
/// servers, refuses a target HAProxy does not see up, readies the target and drains the old slot in one line, polls
/// the old slot's requests in flight (<c>scur</c>) until none or the drain timeout, and puts it in maintenance. It
/// prints one <c>switch: …</c> line per stage, read by <see cref="Parse"/>.
/// </summary>
/// <remarks>
/// Arguments: the target's server name, the old one's (empty for none), the drain timeout in microseconds, the
/// runtime-API line that readies and drains, the line that puts the old slot in maintenance. The CSV is split at
/// commas: HAProxy quotes only fields holding a comma, and none of the columns read here (all before
/// <c>check_desc</c>) can; bash 5's <c>EPOCHREALTIME</c> times the drain without a process per poll.
/// </remarks>
public static class EdgeSwitchScript
{
    public const string Marker = "switch: ";

    public const string Live = Marker + "live";

    /// <summary>The functions both scripts use: a runtime-API client, the servers' statistics, one server's fields (declared first: static fields initialise in order).</summary>
    private static readonly string Functions = $$"""
        ask() {
          answer= line=
          exec 3<>/dev/tcp/{{HaproxyConfig.RuntimeAddress}}/{{HaproxyConfig.RuntimePort}} || return 1
          printf '%s\n' "$1" >&3
          while IFS= read -r -t 5 line <&3 || [ -n "$line" ]; do answer+=$line$'\n'; line=; done
          exec 3<&-
        }
        stat() {
          ask 'show stat {{HaproxyConfig.Backend}} 4 -1' || return 1
          case $answer in '# '*) ;; *) printf 'HAProxy answered: %s\n' "$answer" >&2; return 1 ;; esac
        }
        server() {
          local row i px= sv= sc= st= cs= cc=
          local -a cols f
          scur= status= check= code=
          while IFS= read -r row; do
            case $row in
              '# '*) IFS=, read -ra cols <<<"${row#\# }"
                for i in "${!cols[@]}"; do
                  case ${cols[i]} in pxname) px=$i ;; svname) sv=$i ;; scur) sc=$i ;; status) st=$i ;; check_status) cs=$i ;; check_code) cc=$i ;; esac
                done ;;
              *) [ -n "$sv" ] || continue
                IFS=, read -ra f <<<"$row"
                if [ "${f[px]}" = {{HaproxyConfig.Backend}} ] && [ "${f[sv]}" = "$1" ]; then
                  scur=${f[sc]:-0} status=${f[st]} check=${f[cs]} code=${f[cc]}; return 0
                fi ;;
            esac
          done <<<"$answer"
          echo "{{Marker}}no server $1"; exit 0
        }
        set_line() {
          ask "$1" || exit 1
          if [ -n "${answer//[[:space:]]/}" ]; then echo '{{Marker}}haproxy refused'; printf '%s' "$answer"; exit 0; fi
        }
        """ + "\n";

    /// <summary>The switch: the functions, then the stages.</summary>
    public static readonly string Text = Functions + $$"""
        to=$1 from=$2 drain=$3
        stat || exit 1
        server "$to"
        up=
        case $status in UP | DRAIN) [ "${check#\* }" != L7OK ] || up=1 ;; esac
        case $status in UP* | 'no check') up=1 ;; esac
        if [ -z "$up" ]; then printf '%s' "$answer"; echo '{{Marker}}refused'; exit 0; fi
        set_line "$4"
        echo '{{Live}}'
        if [ -z "$from" ]; then echo '{{Marker}}done'; exit 0; fi
        started=${EPOCHREALTIME//[!0-9]/}
        while :; do
          stat || exit 1
          server "$from"
          now=${EPOCHREALTIME//[!0-9]/}
          [ "$scur" -gt 0 ] && [ "$now" -lt $((started + drain)) ] || break
          sleep 0.2
        done
        if [ "$scur" -gt 0 ]; then echo "{{Marker}}in flight $scur"; else echo "{{Marker}}drained $((now - started))"; fi
        set_line "$5"
        echo '{{Marker}}done'
        """;

    /// <summary>
    /// Lets HAProxy check a slot in maintenance: arguments the slot's server name and the runtime-API line that moves it
    /// to drain with its checks on. A slot whose name does not resolve yet (<c>MAINT (resolution)</c>) is left as it is:
    /// the live slot of a freshly started edge shows that status too (<see cref="EdgeServer.IsUnresolved"/>).
    /// </summary>
    public static readonly string PrepareText = Functions + $$"""
        stat || exit 1
        server "$1"
        case $status in 'MAINT (resolution)') ;; MAINT*) set_line "$2"; echo '{{Marker}}checks started' ;; esac
        echo '{{Marker}}done'
        """;

    /// <summary>What the script said: how far it got, and what it found.</summary>
    public sealed record Outcome
    {
        /// <summary>The script's exit code (echoed by the host side, whose pipeline would hide it); null when it never ended.</summary>
        public int? ExitCode { get; init; }

        /// <summary>The target is not up: nothing was changed; the servers as read.</summary>
        public string? RefusedWith { get; init; }

        /// <summary>A server the backend does not have.</summary>
        public string? MissingServer { get; init; }

        /// <summary>HAProxy's answer to a runtime-API line it refused (the ready line before <see cref="IsLive"/>, the maintenance line after).</summary>
        public string? HaproxyRefusal { get; init; }

        public bool IsLive { get; init; }

        public bool ConfigNotWritten { get; init; }

        public TimeSpan? DrainedIn { get; init; }

        public int? StillInFlight { get; init; }

        public bool IsDone { get; init; }

        /// <summary>A slot in maintenance was moved to drain, its checks on.</summary>
        public bool ChecksStarted { get; init; }
    }

    public static Outcome Parse(string output)
    {
        var outcome = new Outcome();
        var lines = output.Split('\n');
        var before = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith(Marker, StringComparison.Ordinal))
            {
                before.Add(line);
                continue;
            }

            var what = line[Marker.Length..];
            outcome = what switch
            {
                "live" => outcome with { IsLive = true },
                "done" => outcome with { IsDone = true },
                "checks started" => outcome with { ChecksStarted = true },
                "refused" => outcome with { RefusedWith = string.Join('\n', before) },
                "config not written" => outcome with { ConfigNotWritten = true },
                "haproxy refused" => outcome with { HaproxyRefusal = string.Join('\n', lines.Skip(i + 1).TakeWhile(l => !l.StartsWith(Marker, StringComparison.Ordinal))) },
                _ when what.StartsWith("no server ", StringComparison.Ordinal) => outcome with { MissingServer = what["no server ".Length..] },
                _ when what.StartsWith("drained ", StringComparison.Ordinal) => outcome with { DrainedIn = TimeSpan.FromMicroseconds(Number(what["drained ".Length..], line)) },
                _ when what.StartsWith("in flight ", StringComparison.Ordinal) => outcome with { StillInFlight = (int)Number(what["in flight ".Length..], line) },
                _ when what.StartsWith("exit ", StringComparison.Ordinal) => outcome with { ExitCode = (int)Number(what["exit ".Length..], line) },
                _ => throw Unexpected(line),
            };
            before.Clear();
        }

        return outcome;
    }

    private static long Number(string text, string line) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : throw Unexpected(line);

    private static DevOpsAgentException Unexpected(string line) =>
        new($"edge: the switch printed a line it should not: '{InputText.Quote(line)}'", ExitCodes.CommandFailed);
}
