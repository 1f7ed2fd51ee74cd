using System.Globalization;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Landing;

/// <summary>Metadata written on each raw blob: where it came from and what it holds.</summary>
public sealed record RawBlobMetadata(string Vendor, TimeWindow? Window, long RecordCount, string Sha256, DateTimeOffset PulledAt)
{
    private const string VendorKey = "vendor";
    private const string WindowStartKey = "windowstart";
    private const string WindowEndKey = "windowend";
    private const string RecordCountKey = "recordcount";
    private const string Sha256Key = "sha256";
    private const string PulledAtKey = "pulledat";

    public Dictionary<string, string> ToDictionary()
    {
        var d = new Dictionary<string, string>
        {
            [VendorKey] = Vendor,
            [RecordCountKey] = RecordCount.ToString(CultureInfo.InvariantCulture),
            [Sha256Key] = Sha256,
            [PulledAtKey] = PulledAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (Window is { } w)
        {
            d[WindowStartKey] = w.Start.ToString("O", CultureInfo.InvariantCulture);
            d[WindowEndKey] = w.End.ToString("O", CultureInfo.InvariantCulture);
        }
        return d;
    }

    public static string? Sha256Of(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(Sha256Key, out var v) ? v : null;

    public static TimeWindow? WindowOf(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(WindowStartKey, out var s) && metadata.TryGetValue(WindowEndKey, out var e)
        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
        && DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end)
        && end > start
            ? new TimeWindow(start.ToUniversalTime(), end.ToUniversalTime())
            : null;

    public static DateTimeOffset? PulledAtOf(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(PulledAtKey, out var v) && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;

    public static long? RecordCountOf(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(RecordCountKey, out var v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
