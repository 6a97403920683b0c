using DevOpsAgent.Core.Ssh;
using Renci.SshNet.Common;

namespace DevOpsAgent.Infrastructure.Ssh;

/// <summary>Decides, from known_hosts, whether the key a server presents may be trusted.</summary>
internal sealed class HostKeyVerifier(SshTarget target, string knownHostsFile)
{
    /// <summary>Why the key was refused, when it was; the connection error then says this instead.</summary>
    public string? Refusal { get; private set; }

    public void OnHostKeyReceived(object? sender, HostKeyEventArgs e)
    {
        var known = File.Exists(knownHostsFile) ? KnownHosts.Parse(File.ReadAllText(knownHostsFile)) : KnownHosts.Parse("");
        var fingerprint = $"{e.HostKeyName} SHA256:{e.FingerPrintSHA256}";
        var name = KnownHosts.HostName(target.Host, target.Port);
        switch (known.Verify(target.Host, target.Port, e.HostKeyName, e.HostKey))
        {
            case HostKeyVerdict.Trusted:
                e.CanTrust = true;
                return;
            case HostKeyVerdict.Unknown when target.AcceptNewHostKey:
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(knownHostsFile))!);
                File.AppendAllText(knownHostsFile, KnownHosts.FormatLine(target.Host, target.Port, e.HostKeyName, e.HostKey) + "\n");
                e.CanTrust = true;
                return;
            case HostKeyVerdict.Unknown:
                Refusal = $"Host key of {name} is unknown ({fingerprint}); not in {knownHostsFile}. "
                    + "Verify it and add it (ssh-keyscan), or accept it once with --accept-new-host-key.";
                break;
            case HostKeyVerdict.Changed:
                Refusal = $"Host key of {name} has CHANGED ({fingerprint}) and differs from {knownHostsFile}: "
                    + "possible man-in-the-middle attack. Refusing to connect.";
                break;
            case HostKeyVerdict.Revoked:
                Refusal = $"Host key of {name} is marked @revoked in {knownHostsFile} ({fingerprint}). Refusing to connect.";
                break;
        }

        e.CanTrust = false;
    }
}
