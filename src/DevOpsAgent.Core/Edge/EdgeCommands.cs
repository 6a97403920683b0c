using DevOpsAgent.Core.Compose;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Edge;

/// <summary>
/// Commands for the edge of one environment: its files, its compose project, and HAProxy's runtime API inside
/// its container. Pure: builds, never runs.
/// </summary>
public sealed record EdgeCommands(ComposeFlavor Flavor, EdgeSpec Spec)
{
    /// <summary>
    /// The official image has bash but no socat: bash's /dev/tcp talks to the runtime API, which answers one
    /// command line and closes the connection, so <c>cat</c> ends with the answer (the timeout bounds a stuck one).
    /// </summary>
    public static readonly string RuntimeClient =
        $"exec 3<>/dev/tcp/{HaproxyConfig.RuntimeAddress}/{HaproxyConfig.RuntimePort} && printf \"%s\\n\" \"$1\" >&3 && timeout 5 cat <&3";

    public string Folder => $"{Spec.AppPath}/{EdgeSpec.Folder}";

    public string ConfigFile => $"{Folder}/haproxy.cfg";

    public string ComposeFile => $"{Folder}/compose.yml";

    /// <summary>Writes haproxy.cfg and compose.yml, each through a temporary file and a rename; creates the folder.</summary>
    public ShellCommand WriteFiles(Slot? live) =>
        ShellCommand.Of("mkdir", "-p", Folder)
            .And(WriteAtomically(ConfigFile, HaproxyConfig.Render(Spec, live)))
            .And(WriteAtomically(ComposeFile, EdgeCompose.Render(Spec)));

    /// <summary>Rewrites haproxy.cfg only: a running edge never reads it again, a restarted one serves <paramref name="live"/>.</summary>
    public ShellCommand WriteConfig(Slot? live) => WriteAtomically(ConfigFile, HaproxyConfig.Render(Spec, live));

    /// <summary>
    /// Starts the edge when it is not running. <c>--no-recreate</c>: a running edge is left as it is even when
    /// its compose file changed, because recreating it drops every connection. The edge folder's lock keeps two
    /// agents from starting it at once.
    /// </summary>
    public ShellCommand Up() =>
        ShellCommand.Of("flock", [EdgeSpec.Folder, .. Program, "-p", Spec.EdgeProject, "-f", $"{EdgeSpec.Folder}/compose.yml",
            "--project-directory", Spec.AppPath, "up", "-d", "--no-recreate"]).InDirectory(Spec.AppPath);

    /// <summary>The id of the running edge container, found by its compose labels; prints nothing when none runs.</summary>
    public ShellCommand ContainerId() =>
        ShellCommand.Of("docker", "ps", "-q", "--filter", $"label=com.docker.compose.project={Spec.EdgeProject}",
            "--filter", $"label=com.docker.compose.service={EdgeCompose.Service}").Pipe(ShellCommand.Of("head", "-n", "1"));

    /// <summary>Runs one runtime-API command line (several commands separated by ';') in the edge; prints HAProxy's answer.</summary>
    public ShellCommand Runtime(string haproxyCommand)
    {
        if (haproxyCommand.Contains('\n') || haproxyCommand.Contains('\r'))
        {
            throw new ArgumentException("A runtime-API command is one line.", nameof(haproxyCommand));
        }

        return InEdge(RuntimeClient, "_", haproxyCommand);
    }

    /// <summary>
    /// The runtime-API line that makes <paramref name="to"/> live: ready before drain, in one line, because a backend
    /// whose only server is draining answers 503. The live slot's checks stop: they proved the edge reaches it, and
    /// there is no other server to send its traffic to, so checks that time out on a loaded host would only turn slow
    /// answers into 503s for everyone.
    /// </summary>
    public static string ReadyLine(Slot to, Slot? from) =>
        $"set server {ServerName(to)} state ready; disable health {ServerName(to)}" + (from is { } old ? $"; set server {ServerName(old)} state drain" : "");

    /// <summary>Maintenance does not cut the requests still in flight; it stops the checks and new connections.</summary>
    public static string MaintenanceLine(Slot slot) => $"set server {ServerName(slot)} state maint";

    public static string ServerName(Slot slot) => $"{HaproxyConfig.Backend}/{slot.Name()}";

    /// <summary>
    /// The whole switch to <paramref name="to"/> in one <c>docker exec</c> (<see cref="EdgeSwitchScript"/>), and
    /// haproxy.cfg rewritten to serve <paramref name="to"/> as soon as the script says it is live — before the drain
    /// wait, so that an agent cut off while waiting leaves a file that agrees with the edge. The file is written to
    /// its temporary name first and renamed only then; a refused switch leaves the file as it was. The script's exit
    /// code is printed last (<c>switch: exit N</c>): the pipeline that watches its output would hide it.
    /// </summary>
    public ShellCommand Switch(Slot to, Slot? from, TimeSpan drainTimeout)
    {
        string[] arguments = [EdgeSwitchScript.Text, "_", to.Name(), from?.Name() ?? "",
            ((long)drainTimeout.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ReadyLine(to, from), from is { } old ? MaintenanceLine(old) : ""];
        var exec = "docker exec \"$id\" bash -c " + string.Join(' ', arguments.Select(ShellQuoting.Quote));
        var temporary = ShellQuoting.Quote(ConfigFile + ".tmp");
        var rename = ShellCommand.Of("mv", "-f", ConfigFile + ".tmp", ConfigFile).Text;
        var missing = ShellQuoting.Quote($"no running edge container (compose project {Spec.EdgeProject})");
        return ShellCommand.Raw($"id=$({ContainerId().Text}); if [ -z \"$id\" ]; then echo {missing} >&2; false; "
            + $"else printf '%s' {ShellQuoting.Quote(HaproxyConfig.Render(Spec, to))} > {temporary} && "
            + $"{{ {{ {exec}; echo \"{EdgeSwitchScript.Marker}exit $?\"; }} | while IFS= read -r line; do "
            + $"if [ \"$line\" = {ShellQuoting.Quote(EdgeSwitchScript.Live)} ]; then {rename} || echo {ShellQuoting.Quote(EdgeSwitchScript.Marker + "config not written")}; fi; "
            + $"printf '%s\\n' \"$line\"; done; rm -f {temporary}; }}; fi");
    }

    /// <summary>The runtime-API line that lets HAProxy check a slot in maintenance without sending it anything.</summary>
    public static string CheckLine(Slot slot) => $"set server {ServerName(slot)} state drain; enable health {ServerName(slot)}";

    /// <summary>
    /// Moves <paramref name="slot"/> to drain with its checks on when it is in maintenance, in one <c>docker exec</c>
    /// (<see cref="EdgeSwitchScript.PrepareText"/>) where a read and a set took two.
    /// </summary>
    public ShellCommand PrepareSlot(Slot slot) => InEdge(EdgeSwitchScript.PrepareText, "_", slot.Name(), CheckLine(slot));

    /// <summary>HAProxy's statistics of the app backend's servers, as CSV (<see cref="EdgeStat.Parse"/>).</summary>
    public ShellCommand ShowServers() => Runtime($"show stat {HaproxyConfig.Backend} 4 -1");

    /// <summary>The edge container's recent log lines (HAProxy logs errors, retries and server state changes).</summary>
    public ShellCommand Logs(int tail) =>
        ShellCommand.Raw($"id=$({ContainerId().Text}); [ -z \"$id\" ] || docker logs --tail {tail} \"$id\" 2>&1");

    private ShellCommand InEdge(params string[] bashArguments)
    {
        var missing = ShellQuoting.Quote($"no running edge container (compose project {Spec.EdgeProject})");
        return ShellCommand.Raw($"id=$({ContainerId().Text}); if [ -z \"$id\" ]; then echo {missing} >&2; false; "
            + $"else docker exec \"$id\" bash -c {string.Join(' ', bashArguments.Select(ShellQuoting.Quote))}; fi");
    }

    private string[] Program => Flavor == ComposeFlavor.V2 ? ["docker", "compose"] : ["docker-compose"];

    private static ShellCommand WriteAtomically(string file, string text) =>
        ShellCommand.Raw($"printf '%s' {ShellQuoting.Quote(text)} > {ShellQuoting.Quote(file + ".tmp")}")
            .And(ShellCommand.Of("mv", "-f", file + ".tmp", file));
}
