using System.Reflection;

namespace CdrFunctions.Simulators.Common;

/// <summary>
/// A running vendor simulator as a local run sees it: the settings that point the vendor at it, its pace, and its
/// ground truth. Each simulator folder provides one; <see cref="VendorSimulations"/> finds them.
/// </summary>
public interface IVendorSimulation : IAsyncDisposable
{
    string Vendor { get; }

    /// <summary>The simulated API's rate limit and latency, adjustable while running (<c>cdr simulate --rate-limit --latency</c>).</summary>
    RequestPacer Pacing { get; }

    /// <summary>Configuration (keys as in appsettings, <c>Vendors:&lt;Vendor&gt;:...</c>) that enables the vendor against this simulator.</summary>
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Valid calls the simulator serves with a start in <c>[from, to)</c>.</summary>
    int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc);

    /// <summary>The id of an answered call in the range, for sample lookups.</summary>
    string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc);
}

/// <summary>
/// Every vendor simulator, started the way the demo uses them: each <see cref="IVendorSimulation"/> in this
/// assembly with a <c>public static Task&lt;IVendorSimulation&gt; StartAsync(CancellationToken)</c>, so a new
/// simulator folder needs no line here.
/// </summary>
public static class VendorSimulations
{
    public static readonly IReadOnlyList<Func<CancellationToken, Task<IVendorSimulation>>> All =
    [
        .. typeof(IVendorSimulation).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IVendorSimulation).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (t.GetMethod("StartAsync", BindingFlags.Public | BindingFlags.Static, [typeof(CancellationToken)])
                ?? throw new InvalidOperationException($"{t.Name} lacks public static StartAsync(CancellationToken)."))
                .CreateDelegate<Func<CancellationToken, Task<IVendorSimulation>>>()),
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
