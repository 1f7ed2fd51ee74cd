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

    /// <summary>The same shape written to a file a day of calls at a time, so windows larger than memory can be made.</summary>
    public static async Task WriteFileAsync(string path, int count, CancellationToken cancellationToken)
    {
        var simulator = new AlotechSimulatorState(new AlotechSimulatorOptions { CallsPerHour = 5_000 });
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20);
        await file.WriteAsync('[');
        var written = 0;
        for (var from = From; written < count; from = from.AddDays(1))
        {
            var day = simulator.CallsBetween(from, from.AddDays(1)).Take(count - written).Select(c => c.RawJson).ToList();
            for (var i = 0; i < day.Count; i += PageSize)
            {
                var page = written / PageSize;
                await file.WriteAsync(page > 0 ? ",\n{\"CallList\":[" : "{\"CallList\":[");
                await file.WriteAsync(string.Join(',', day.Skip(i).Take(PageSize)));
                await file.WriteAsync($"],\"cursor\":\"{Cursor(page)}\"}}");
                written += Math.Min(PageSize, day.Count - i);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        await file.WriteAsync(']');
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
