using System.Runtime.InteropServices;
using DevOpsAgent.Cli;

using var cancellation = new CancellationTokenSource();
var signals = 0;

// Ctrl-C, SIGTERM (kill, systemd, a CI timeout) and SIGHUP (a closed terminal) all cancel: an operation that has
// begun changing a server then undoes it within a bounded grace. A third signal abandons even that; the server's
// journal tells the next run what was left half-way.
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    switch (Interlocked.Increment(ref signals))
    {
        case 1:
            // Off the signal handler: cancelling runs the operation's undo, which must not run inside the handler.
            _ = Task.Run(cancellation.Cancel);
            break;
        case 2:
            Console.Error.WriteLine("cancelling: bringing the server back to a known release first; signal once more to abandon that (the next run recovers)");
            break;
        default:
            Console.Error.WriteLine("error: abandoned; the server records the interrupted operation and the next deploy or rollback recovers it");
            Environment.Exit(130);
            break;
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Cancel);

return await CliApp.RunAsync(args, new CliConsole(Console.Out, Console.Error), cancellation.Token);
