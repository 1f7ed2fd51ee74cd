using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Retries of each vendor's HTTP calls since start, counted by the resilience pipelines (one singleton, no
/// ambient state). A pull run reports the difference between its start and its end; runs of one vendor do not
/// overlap (the checkpoint lease), so the difference is that run's retries.
/// </summary>
public sealed class VendorRetries
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byVendor = new(StringComparer.OrdinalIgnoreCase);

    public void Record(string vendor) => Interlocked.Increment(ref _byVendor.GetOrAdd(vendor, static _ => new StrongBox<long>()).Value);

    public long Count(string vendor) => _byVendor.TryGetValue(vendor, out var box) ? Interlocked.Read(ref box.Value) : 0;
}
