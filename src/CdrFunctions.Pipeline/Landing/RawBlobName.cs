using System.Globalization;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Landing;

/// <summary>
/// Raw blob names: <c>{vendor}/{yyyy}/{MM}/{dd}/{HHmm}.{ext}</c> inside <c>cdr-raw</c>, from the window start
/// in UTC, so a re-pull of a window always lands on the same blob. Derived names (curated, quarantine)
/// come from the raw name, which makes the whole chain re-runnable.
/// </summary>
public sealed partial record RawBlobName(string Vendor, DateTimeOffset WindowStart, string Stem, string Extension)
{
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Vendor}/{WindowStart:yyyy}/{WindowStart:MM}/{WindowStart:dd}/{Stem}.{Extension}");

    public static RawBlobName ForWindow(string vendor, TimeWindow window, string extension) =>
        new(vendor, window.Start, window.Start.ToString("HHmm", CultureInfo.InvariantCulture), extension);

    /// <summary>Curated CSV, date first so Power BI can filter files by folder path across vendors.</summary>
    public string CuratedName => string.Create(CultureInfo.InvariantCulture, $"calls/{WindowStart:yyyy}/{WindowStart:MM}/{WindowStart:dd}/{Vendor}_{Stem}.csv");

    /// <summary>The same rows as typed Parquet, next to the CSV (same folder date, same stem).</summary>
    public string CuratedParquetName => Path.ChangeExtension(CuratedName, ".parquet");

    public string QuarantineName => string.Create(CultureInfo.InvariantCulture, $"{Vendor}/{WindowStart:yyyy}/{WindowStart:MM}/{WindowStart:dd}/{Stem}.jsonl");

    public override string ToString() => Name;

    /// <summary>A file stem from untrusted text (a call id): letters, digits, '-' and '_' kept, the rest as '_', plus a hash when changed or long.</summary>
    public static string SafeStem(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        var safe = new string(chars);
        if (safe == text && safe.Length is > 0 and <= 80)
        {
            return safe;
        }
        var hash = Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(System.Text.Encoding.UTF8.GetBytes(text)));
        return $"{safe[..Math.Min(safe.Length, 60)]}_{hash}";
    }

    public static bool TryParse(string name, out RawBlobName parsed)
    {
        parsed = null!;
        var m = Pattern().Match(name);
        if (!m.Success)
        {
            return false;
        }
        if (!DateTime.TryParseExact($"{m.Groups["y"].Value}-{m.Groups["m"].Value}-{m.Groups["d"].Value}", "yyyy-MM-dd",
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return false;
        }
        var stem = m.Groups["stem"].Value;
        var start = new DateTimeOffset(day, TimeSpan.Zero);
        if (stem.Length >= 4 && int.TryParse(stem.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hh)
            && int.TryParse(stem.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mm) && hh < 24 && mm < 60)
        {
            start = start.AddHours(hh).AddMinutes(mm);
        }
        parsed = new RawBlobName(m.Groups["vendor"].Value, start, stem, m.Groups["ext"].Value);
        return true;
    }

    [GeneratedRegex(@"^(?<vendor>[a-z0-9]+)/(?<y>\d{4})/(?<m>\d{2})/(?<d>\d{2})/(?<stem>[A-Za-z0-9_\-]+)\.(?<ext>[a-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
