using System.Globalization;
using DevOpsAgent.Core.Shell;

namespace DevOpsAgent.Core.Locks;

/// <summary>
/// The deploy lock of one app folder, as shell commands: <c>.devops-agent/lock/</c> holds <c>owner</c> (the deploy
/// id), <c>info.json</c> and <c>heartbeat</c> (the server's <c>date +%s</c> when the holder last proved alive).
/// Taking a free lock is one <c>mkdir</c>, atomic on every POSIX filesystem. Every change to an existing lock
/// (heartbeat, step, release, takeover) runs under <c>flock</c> on <c>.devops-agent/lock.guard</c>: the kernel
/// drops that guard when its holder dies, and it makes "check the owner, then change" one step, so a holder
/// that was declared dead can never overwrite or remove the lock of the deploy that took over. Pure: builds,
/// never runs.
/// </summary>
public static class DeployLockCommands
{
    /// <summary>Exit code of a guarded command when the lock belongs to another deploy (or to none).</summary>
    public const int NotOwnerExitCode = 3;

    public const string Acquired = "acquired";
    public const string Held = "held";

    public static string FolderOf(string appPath) => $"{appPath}/.devops-agent";

    public static string LockPathOf(string appPath) => $"{FolderOf(appPath)}/lock";

    /// <summary>Prints <c>acquired</c> when this call created the lock, <c>held</c> when it already exists.</summary>
    public static ShellCommand Acquire(string appPath, LockInfo info)
    {
        var l = Q(LockPathOf(appPath));
        return ShellCommand.Raw($"mkdir -p {Q(FolderOf(appPath))} && if mkdir {l} 2>/dev/null; then {Write(l, info)} && {Beat(l)} && echo {Acquired}; "
            // mkdir failing for another reason than an existing lock (permissions, full disk) must fail loudly.
            + $"elif [ -d {l} ]; then echo {Held}; else mkdir {l}; fi");
    }

    /// <summary>
    /// Prints <c>now=</c> the server's clock and, when the lock exists, <c>beat=</c> its heartbeat stamp (the
    /// folder's mtime when the holder died before writing one), <c>owner=</c> and <c>info=</c> (info.json).
    /// </summary>
    public static ShellCommand Read(string appPath)
    {
        var l = Q(LockPathOf(appPath));
        return ShellCommand.Raw($"echo \"now=$(date +%s)\"; if [ -d {l} ]; then echo \"beat=$(cat {l}/heartbeat 2>/dev/null || stat -c %Y {l})\"; "
            + $"echo \"owner=$(cat {l}/owner 2>/dev/null)\"; echo \"info=$(cat {l}/info.json 2>/dev/null)\"; fi");
    }

    /// <summary>Rewrites info.json (the step, the previous release) while the lock is still <paramref name="info"/>'s.</summary>
    public static ShellCommand Update(string appPath, LockInfo info)
    {
        var l = Q(LockPathOf(appPath));
        return Guarded(appPath, $"{OwnedBy(l, info.DeployId)}; {Write(l, info, ownerToo: false)}");
    }

    public static ShellCommand UpdateStep(string appPath, LockInfo info, string step) => Update(appPath, info with { Step = step });

    /// <summary>Refreshes the heartbeat with the server's clock while the lock is still <paramref name="deployId"/>'s.</summary>
    public static ShellCommand Heartbeat(string appPath, string deployId)
    {
        var l = Q(LockPathOf(appPath));
        return Guarded(appPath, $"{OwnedBy(l, deployId)}; {Beat(l)}");
    }

    /// <summary>
    /// Removes the lock only while it is <paramref name="deployId"/>'s (exit 3 otherwise); an absent lock is
    /// already released.
    /// </summary>
    public static ShellCommand Release(string appPath, string deployId)
    {
        var l = Q(LockPathOf(appPath));
        return Guarded(appPath, $"[ -d {l} ] || exit 0; {OwnedBy(l, deployId)}; rm -rf {l}");
    }

    /// <summary>
    /// Takes over a lock whose holder stopped beating, in place, so that the lock never stops existing: only while
    /// it is still <paramref name="staleOwner"/>'s (empty when the holder died before writing its owner) and its
    /// heartbeat is at least <paramref name="staleAfter"/> old by the server's clock. Prints <c>acquired</c>,
    /// <c>gone</c> (released meanwhile: acquire again) or <c>changed</c> (someone else took it, or it beat again).
    /// </summary>
    public static ShellCommand TakeOver(string appPath, string staleOwner, TimeSpan staleAfter, LockInfo info)
    {
        var l = Q(LockPathOf(appPath));
        var seconds = ((long)Math.Ceiling(staleAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Guarded(appPath, $"[ -d {l} ] || {{ echo gone; exit 0; }}; "
            + $"[ \"$(cat {l}/owner 2>/dev/null)\" = {Q(staleOwner)} ] || {{ echo changed; exit 0; }}; "
            + $"beat=$(cat {l}/heartbeat 2>/dev/null || stat -c %Y {l}); [ $(($(date +%s) - beat)) -ge {seconds} ] || {{ echo changed; exit 0; }}; "
            + $"{Write(l, info)} && {Beat(l)} && echo {Acquired}");
    }

    private static ShellCommand Guarded(string appPath, string body) =>
        ShellCommand.Raw($"mkdir -p {Q(FolderOf(appPath))} && ( flock -w 30 9 || {{ echo 'timed out waiting for the lock guard' >&2; exit 75; }}; {body} ) "
            + $"9>{Q(FolderOf(appPath) + "/lock.guard")}");

    private static string OwnedBy(string l, string deployId) =>
        $"owner=$(cat {l}/owner 2>/dev/null); [ \"$owner\" = {Q(deployId)} ] || {{ echo \"the lock is held by ${{owner:-nobody}}\" >&2; exit {NotOwnerExitCode}; }}";

    // Files are written aside and renamed, so a reader never sees half of one.
    private static string Write(string l, LockInfo info, bool ownerToo = true) =>
        (ownerToo ? $"printf '%s\\n' {Q(info.DeployId)} > {l}/owner.tmp && mv -f {l}/owner.tmp {l}/owner && " : "")
        + $"printf '%s\\n' {Q(info.ToJson())} > {l}/info.json.tmp && mv -f {l}/info.json.tmp {l}/info.json";

    private static string Beat(string l) => $"date +%s > {l}/heartbeat.tmp && mv -f {l}/heartbeat.tmp {l}/heartbeat";

    private static string Q(string word) => ShellQuoting.Quote(word);
}
