using DevOpsAgent.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await CliApp.RunAsync(args, new CliConsole(Console.Out, Console.Error), cancellation.Token);
