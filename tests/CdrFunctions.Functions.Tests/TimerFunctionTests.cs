using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Functions.Tests;

/// <summary>Each timer function, given the worker's <see cref="TimerInfo"/>, lands its vendor's due windows as raw blobs.</summary>
[Collection(FunctionsAppCollection.Name)]
public sealed class TimerFunctionTests(FunctionsAppFixture fixture)
{
    public static TheoryData<string, bool> Timers()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (method, _) in FunctionMethods.Timers())
        {
            data.Add(FunctionMethods.NameOf(method), false);
            data.Add(FunctionMethods.NameOf(method), true);
        }
        return data;
    }

    [Fact]
    public void Every_vendor_has_a_timer()
    {
        Assert.Equal(["Vendors:Alotech", "Vendors:DeepCall", "Vendors:EngageVoice"], FunctionMethods.Timers().Select(t => t.Section).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Timers))]
    public async Task A_timer_tick_lands_the_vendors_due_windows(string functionName, bool isPastDue)
    {
        await fixture.ResetStorageAsync();
        var method = FunctionMethods.Named(functionName);
        var section = FunctionMethods.Timers().Single(t => t.Method == method).Section;
        var vendor = section["Vendors:".Length..].ToLowerInvariant();
        using var host = FunctionsAppHost.Build(fixture.Settings(), services =>
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(FunctionsAppFixture.Now));
            services.AddFakeLogging();
        });

        await method.InvokeAsync(ActivatorUtilities.CreateInstance(host.Services, method.DeclaringType!),
            new TimerInfo { IsPastDue = isPastDue }, CancellationToken.None);

        // StartFrom 08:00, now 12:07, settle 15 min: 08:00, 09:00 and 10:00 are due; 11:00 has not settled.
        var landed = new Dictionary<string, IDictionary<string, string>>();
        await foreach (var blob in fixture.Blobs.GetBlobContainerClient("cdr-raw")
            .GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, vendor + "/", CancellationToken.None))
        {
            landed[blob.Name] = blob.Metadata;
        }
        Assert.Equal(
            ["0800", "0900", "1000"],
            landed.Keys.Select(n => Path.GetFileNameWithoutExtension(n)).Order(StringComparer.Ordinal));
        Assert.All(landed.Keys, n => Assert.StartsWith($"{vendor}/2026/11/22/", n, StringComparison.Ordinal));
        foreach (var (name, metadata) in landed)
        {
            Assert.True(RawBlobName.TryParse(name, out var parsed), name);
            var window = RawBlobMetadata.WindowOf(metadata) ?? throw new Xunit.Sdk.XunitException($"{name} has no window metadata");
            Assert.Equal(parsed.WindowStart, window.Start);
            var valid = fixture.Simulation(vendor).ValidCallsBetween(window.Start, window.End);
            Assert.True(RawBlobMetadata.RecordCountOf(metadata) >= valid, $"{name}: {RawBlobMetadata.RecordCountOf(metadata)} records, {valid} valid calls at the simulator");
        }
        Assert.Equal(isPastDue, host.Services.GetFakeLogCollector().GetSnapshot().Any(r => r.Message.Contains("past due", StringComparison.Ordinal)));
    }
}
