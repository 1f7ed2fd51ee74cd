namespace CdrFunctions.Simulators.Common;

/// <summary>
/// A running vendor simulator as a local run sees it: the settings that point the vendor at it, and its
/// ground truth. Each simulator folder provides one; <see cref="VendorSimulations"/> lists them.
/// </summary>
public interface IVendorSimulation : IAsyncDisposable
{
    string Vendor { get; }

    /// <summary>Configuration (keys as in appsettings, <c>Vendors:&lt;Vendor&gt;:...</c>) that enables the vendor against this simulator.</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Valid calls the simulator serves with a start in <c>[from, to)</c>.</summary>
    int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc);

    /// <summary>The id of an answered call in the range, for sample lookups.</summary>
    string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc);
}

/// <summary>Every vendor simulator, started the way the demo uses them. Adding a vendor: one line.</summary>
public static class VendorSimulations
{
    public static readonly IReadOnlyList<Func<CancellationToken, Task<IVendorSimulation>>> All =
    [
        Alotech.AlotechSimulation.StartAsync,
        EngageVoice.EngageVoiceSimulation.StartAsync,
        DeepCall.DeepCallSimulation.StartAsync,
    ];

    public static async Task<IReadOnlyList<IVendorSimulation>> StartAllAsync(CancellationToken cancellationToken)
    {
        var started = new List<IVendorSimulation>();
        foreach (var start in All)
        {
            started.Add(await start(cancellationToken).ConfigureAwait(false));
        }
        return started;
    }
}
