using System.CommandLine;
using DevOpsAgent.Dashboard;
using DevOpsAgent.Infrastructure.Protocol;

namespace DevOpsAgent.Cli.Commands;

public static class DashboardCommand
{
    public static Command Create(CliConsole console)
    {
        var bind = new Option<string>("--bind")
        {
            Description = "Address and port to listen on; anything but loopback needs a token.",
            DefaultValueFactory = _ => DashboardBinding.Default,
        };
        var tokenFile = new Option<string?>("--token-file") { Description = "A file holding the token every request must carry (else $DEVOPS_AGENT_DASHBOARD_TOKEN)." };
        var command = new Command("dashboard", "A web UI: environments and their live release, history, release diffs, live logs, rollback.") { bind, tokenFile };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var binding = DashboardBinding.Parse(parseResult.GetValue(bind)!);
            var token = DashboardToken.FromFileOrEnvironment(parseResult.GetValue(tokenFile), Environment.GetEnvironmentVariable("DEVOPS_AGENT_DASHBOARD_TOKEN"));
            binding.RequireTokenUnlessLoopback(token);
            var services = new AgentServices(parseResult);
            var context = new DashboardContext
            {
                Config = services.Config,
                History = services.OperationHistory(), // a rollback from the page tells the webhooks like any other
                ConnectAsync = services.ConnectAsync,
                Actor = $"dashboard ({AgentServices.Actor()})",
                Token = token,
                OpenSecretFilesAsync = services.OpenSecretFilesAsync,
                Protocol = observer => ProtocolServices.Create(parseResult, observer),
                RequiresTask = ProjectStateFile.PathFor(services.Config, parseResult.GetValue(CommonOptions.Config)!) is not null,
            };
            await new DashboardServer(context, binding).RunAsync(
                url => console.Out.WriteLine($"Dashboard on {url}{(token is null ? "" : " (token required)")}; Ctrl+C stops it."),
                cancellationToken);
            return 0;
        });
        return command;
    }
}
