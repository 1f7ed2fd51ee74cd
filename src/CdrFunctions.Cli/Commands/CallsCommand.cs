using System.CommandLine;
using System.Text.Json;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

internal static class CallsCommand
{
    public static Command Create()
    {
        var number = new Option<string>("--number") { Description = "Phone number, E.164 (+905321234567) or the digits as the vendor writes them.", Required = true };
        var from = CliOptions.OptionalUtc("--from", "Earliest call start (inclusive); default 30 days ago.");
        var to = CliOptions.OptionalUtc("--to", "Latest call start (exclusive); default now.");
        var vendor = CliOptions.Vendor(required: false);
        var limit = new Option<int>("--limit") { Description = $"Calls per page, 1 to {CallLookup.MaxPageSize}.", DefaultValueFactory = _ => 50 };
        var token = new Option<string?>("--continuation-token") { Description = "The continuationToken of the previous page." };
        var command = new Command("calls", "Print the calls of a phone number in [from, to) as JSON, newest first.") { number, from, to, vendor, limit, token };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var services = CliHost.Build();
            var vendorName = parse.GetValue(vendor) is { } v ? services.GetRequiredService<VendorCatalog>().Get(v).Name : null;
            var now = DateTimeOffset.UtcNow;
            var page = await services.GetRequiredService<CallLookup>().ListByNumberAsync(
                parse.GetValue(number)!, parse.GetValue(from) ?? now.AddDays(-30), parse.GetValue(to) ?? now,
                vendorName, parse.GetValue(limit), parse.GetValue(token), ct).ConfigureAwait(false);
            Console.Out.WriteLine(JsonSerializer.Serialize(new { calls = page.Calls, continuationToken = page.ContinuationToken }, LookupCommand.Indented));
            return CliErrors.Ok;
        }));
        return command;
    }
}
