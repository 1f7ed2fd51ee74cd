using System.CommandLine;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

internal static class LookupCommand
{
    public static Command Create()
    {
        var vendor = CliOptions.Vendor();
        var callId = new Option<string>("--call-id") { Description = "The vendor's call id.", Required = true };
        var live = new Option<bool>("--live") { Description = "Ask the vendor when the call is not in the table yet (lands and normalizes what it returns)." };
        var command = new Command("lookup", "Print one call as JSON, by vendor and call id.") { vendor, callId, live };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var services = CliHost.Build();
            var name = services.GetRequiredService<VendorCatalog>().Get(parse.GetValue(vendor)!).Name;
            var call = await services.GetRequiredService<LiveLookup>().GetAsync(name, parse.GetValue(callId)!, parse.GetValue(live), ct).ConfigureAwait(false);
            if (call is null)
            {
                return CliErrors.Fail($"no call {name}/{parse.GetValue(callId)} in the table.", CliErrors.Failed);
            }
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(call, Indented));
            return CliErrors.Ok;
        }));
        return command;
    }

    internal static readonly System.Text.Json.JsonSerializerOptions Indented = new(CallJson.Options) { WriteIndented = true };
}
