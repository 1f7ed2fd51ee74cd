using System.Text;
using System.Text.Json;
using CdrFunctions.Simulators.DeepCall;
using CdrFunctions.Simulators.EngageVoice;

namespace CdrFunctions.Bench;

/// <summary>Landed DeepCall and Engage Voice windows built in memory from their simulators, shaped as the connectors land them.</summary>
internal static class VendorFiles
{
    private static readonly DateTimeOffset From = RawWindow.From;

    /// <summary><c>{"list":[pages of 100],"detail":[one response per call]}</c>, as <c>DeepCallVendor.PullAsync</c> writes it.</summary>
    public static byte[] DeepCallWindow(int calls)
    {
        var state = new DeepCallSimulatorState(new DeepCallSimulatorOptions { CallsPerHour = 5_000 });
        var list = new List<SimulatedDeepCall>(calls);
        for (var hour = From; list.Count < calls; hour = hour.AddHours(1))
        {
            list.AddRange(state.ValidCallsBetween(hour, hour.AddHours(1)).Take(calls - list.Count));
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("list");
            foreach (var page in list.Chunk(RawWindow.PageSize))
            {
                w.WriteStartObject();
                w.WriteStartArray("data");
                foreach (var call in page)
                {
                    call.WriteListItem(w);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("detail");
            foreach (var call in list)
            {
                w.WriteStartObject();
                w.WritePropertyName("data");
                call.WriteDetail(w, state.Options.UserId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A Call Detail Report CSV with the docs' header row and CRLF lines, as the simulator serves it.</summary>
    public static byte[] EngageVoiceReport(int rows)
    {
        var options = new EngageVoiceSimulatorOptions { CallsPerHour = 6_000 };
        var generator = new EngageVoiceCallGenerator(options);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("US/Eastern");
        var csv = new StringBuilder(rows * 260);
        csv.Append(EngageVoiceCallGenerator.Header).Append("\r\n");
        var written = 0;
        for (var hour = From; written < rows; hour = hour.AddHours(1))
        {
            foreach (var call in generator.CallsOfHour(hour))
            {
                if (written == rows)
                {
                    break;
                }
                csv.Append(EngageVoiceCallGenerator.Render(call, zone)).Append("\r\n");
                written++;
            }
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}
