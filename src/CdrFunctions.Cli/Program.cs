using System.CommandLine;
using CdrFunctions.Cli.Commands;

var root = new RootCommand("cdr: collect, normalize and look up call detail records (CdrFunctions).")
{
    PullCommand.Create(),
    NormalizeCommand.Create(),
    LookupCommand.Create(),
    CallsCommand.Create(),
    ParseCommand.Create(),
    DemoCommand.Create(),
    RunCommand.Create(),
    StatusCommand.Create(),
    SimulateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
