using System.CommandLine;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

/// <summary>
/// Parses a vendor file with no storage: calls as JSON lines on stdout, quarantined records as JSON lines
/// on stderr. Exit 0 when the file was read (bad rows included), 2 when it could not be read at all.
/// </summary>
internal static class ParseCommand
{
    public static Command Create()
    {
        var vendor = CliOptions.Vendor();
        var input = new Option<FileInfo>("--input") { Description = "A raw file of that vendor (a landed window or one API response).", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "IANA zone of the file's times; overrides Vendors:<vendor>:TimeZone." };
        var command = new Command("parse", "Parse a vendor file to CallRecord JSON lines (stdout) and quarantine lines (stderr).") { vendor, input, zone };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var name = parse.GetValue(vendor)!;
            var file = parse.GetValue(input)!;
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(zone) is { } z)
            {
                if (!VendorClock.IsKnownZone(z))
                {
                    return CliErrors.Fail($"--time-zone '{z}' is not a known IANA time zone.", CliErrors.Usage);
                }
                // Configuration keys ignore case, so the vendor's name addresses its section.
                overrides[$"Vendors:{name}:TimeZone"] = z;
            }
            await using var services = CliHost.Build(overrides);
            var cdrVendor = services.GetRequiredService<VendorCatalog>().Get(name);
            Stream stream;
            try
            {
                stream = file.OpenRead();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CliErrors.Fail($"cannot read {file.FullName}: {e.Message}", CliErrors.Usage);
            }
            await using (stream.ConfigureAwait(false))
            {
                return await WriteAsync(cdrVendor, stream, file.FullName, Console.Out, Console.Error, ct).ConfigureAwait(false);
            }
        }));
        return command;
    }

    internal static async Task<int> WriteAsync(ICdrVendor vendor, Stream stream, string path, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string? fileError = null;
        await foreach (var result in vendor.ParseAsync(stream, new RawFileInfo(path, Window: null), ct).ConfigureAwait(false))
        {
            if (result.Record is { } record)
            {
                await stdout.WriteLineAsync(CallJson.Serialize(record with { RawBlob = path })).ConfigureAwait(false);
            }
            else if (result.Quarantined is { FileLevel: true } fileLevel)
            {
                fileError ??= fileLevel.Reason;
            }
            else if (result.Quarantined is { } q)
            {
                await stderr.WriteLineAsync(JsonSerializer.Serialize(new { position = q.Position, reason = q.Reason }, CallJson.Options)).ConfigureAwait(false);
            }
        }
        await stdout.FlushAsync(ct).ConfigureAwait(false);
        if (fileError is not null)
        {
            await stderr.WriteLineAsync($"cdr: {path} is not readable: {fileError}").ConfigureAwait(false);
            return CliErrors.Usage;
        }
        return CliErrors.Ok;
    }
}
