using System.Buffers.Text;
using System.Text;
using CdrFunctions.Simulators.Alotech;

namespace CdrFunctions.Bench;

/// <summary>
/// A landed Alotech window built in memory exactly as the pipeline writes it: <c>[page1,\npage2,...]</c>,
/// each page <c>{"CallList":[...],"cursor":"..."}</c> holding the simulator's records verbatim.
/// </summary>
internal static class RawWindow
{
    public const int PageSize = 100;

    /// <summary>Start of the generated calls; at the simulator's maximum of 5,000 calls an hour a day gives ~120,000.</summary>
    public static readonly DateTimeOffset From = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<string> GenerateRecords(int count)
    {
        var simulator = new AlotechSimulatorState(new AlotechSimulatorOptions { CallsPerHour = 5_000 });
        var records = new List<string>(count);
        for (var from = From; records.Count < count; from = from.AddDays(1))
        {
            records.AddRange(simulator.CallsBetween(from, from.AddDays(1)).Take(count - records.Count).Select(c => c.RawJson));
        }
        return records;
    }

    public static byte[] Build(IReadOnlyList<string> records)
    {
        var json = new StringBuilder(records.Sum(r => r.Length + 1) + 64);
        json.Append('[');
        for (var page = 0; page * PageSize < records.Count; page++)
        {
            if (page > 0)
            {
                json.Append(",\n");
            }
            json.Append("{\"CallList\":[");
            json.AppendJoin(',', records.Skip(page * PageSize).Take(PageSize));
            json.Append("],\"cursor\":\"").Append(Cursor(page)).Append("\"}");
        }
        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }

    /// <summary>An opaque token about as long as the simulator's (base64url of range, order, offset and a MAC).</summary>
    private static string Cursor(int page) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"v1|2026-11-22 00:00:00|2026-11-23 00:00:00|asc|{(page + 1) * PageSize}|0123456789abcdef0123456789abcdef"));
}
