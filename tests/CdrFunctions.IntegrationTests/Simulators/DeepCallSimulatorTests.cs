using System.Net;
using System.Text;
using System.Text.Json;
using CdrFunctions.Simulators.DeepCall;

namespace CdrFunctions.Tests.Simulators;

/// <summary>The DeepCall simulator speaks the documented protocol: POST + JSON body credentials, errors inside HTTP 200.</summary>
public class DeepCallSimulatorTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(int Status, JsonDocument? Json)> PostAsync(DeepCallSimulator sim, string path, string body)
    {
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonDocument.Parse(text) : null);
    }

    private static string Auth(DeepCallSimulator sim, string more = "") =>
        $"{{\"userId\":\"{sim.State.Options.UserId}\",\"token\":\"{sim.State.Options.Token}\"{more}}}";

    private static int Code(JsonDocument json)
    {
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        return json.RootElement.GetProperty("code").GetInt32();
    }

    [Fact]
    public async Task Auth_and_body_errors_come_back_as_envelopes_inside_http_200()
    {
        await using var sim = await DeepCallSimulator.StartAsync(new DeepCallSimulatorOptions { Ssid = "session-1" });
        var empty = await PostAsync(sim, "/api/v2/callreport/list/", "");
        Assert.Equal(200, empty.Status);
        Assert.Equal(1047, Code(empty.Json!));
        Assert.Equal(1047, Code((await PostAsync(sim, "/api/v2/callreport/list/", "{not json")).Json!));
        Assert.Equal(1014, Code((await PostAsync(sim, "/api/v2/callreport/list/", """{"userId":"29791451","token":"wrong"}""")).Json!));
        Assert.Equal(1000, Code((await PostAsync(sim, "/api/v2/callreport/list/", Auth(sim, ",\"ssid\":\"session-1\""))).Json!));
        Assert.Equal(1000, Code((await PostAsync(sim, "/api/v2/callreport/list/", Auth(sim))).Json!)); // no date filter
        Assert.Equal(1000, Code((await PostAsync(sim, "/api/v2/CallReport/detail", Auth(sim))).Json!)); // no clId
        var bySession = await PostAsync(sim, "/api/v2/CallReport/detail", """{"ssid":"session-1","clId":"unknown"}""");
        Assert.Equal(0, bySession.Json!.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(["***"], sim.Requests.Where(r => r.Fields.ContainsKey("token")).Select(r => r.Field("token")).Distinct());
    }

    [Fact]
    public async Task A_user_without_the_permission_gets_1015_on_list_and_count()
    {
        await using var sim = await DeepCallSimulator.StartAsync(new DeepCallSimulatorOptions { DenyListPermission = true });
        const string range = ",\"startDate\":\"2026-11-21 15:30:00\",\"endDate\":\"2026-11-21 16:30:00\"";
        Assert.Equal(1015, Code((await PostAsync(sim, "/api/v2/callreport/list/", Auth(sim, range))).Json!));
        Assert.Equal(1015, Code((await PostAsync(sim, "/api/v2/callreport/reportCount/", Auth(sim, range))).Json!));
    }

    [Fact]
    public async Task List_pages_count_and_detail_agree_with_the_ground_truth()
    {
        await using var sim = await DeepCallSimulator.StartAsync(new DeepCallSimulatorOptions { CallsPerHour = 7 });
        var truth = sim.ValidCallsBetween(From, From.AddHours(1));
        Assert.Equal(7, truth.Count);
        // 10:00Z is 15:30 IST.
        const string range = ",\"startDate\":\"2026-11-21 15:30:00\",\"endDate\":\"2026-11-21 16:29:59\"";
        var ids = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var (_, json) = await PostAsync(sim, "/api/v2/callreport/list/", Auth(sim, range + $",\"page\":{page},\"pageSize\":3"));
            ids.AddRange(json!.RootElement.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("clId").GetString()!));
        }
        Assert.Equal(truth.Select(c => c.ClId), ids);
        var count = await PostAsync(sim, "/api/v2/callreport/reportCount", Auth(sim, range));
        Assert.Equal(7, count.Json!.RootElement.GetProperty("data").GetInt32());

        var call = truth.First(c => c.Answered);
        var detail = (await PostAsync(sim, "/API/V2/callreport/detail", Auth(sim, $",\"clId\":\"{call.ClId}\",\"rType\":[\"dtl\"]"))).Json!.RootElement.GetProperty("data");
        Assert.Equal(call.ClId, detail.GetProperty("clId").GetString());
        Assert.Equal(call.StartUtc.ToUnixTimeMilliseconds(), detail.GetProperty("tm").GetInt64());
        Assert.EndsWith(".mp3", detail.GetProperty("ctcc")[0].GetProperty("rcrd").GetString());
        Assert.Equal(call, sim.State.FindCall(call.ClId));
        Assert.Null(sim.State.FindCall("dc1t1rnope"));
    }

    [Fact]
    public async Task Faults_are_served_in_order_then_normal_answers_resume()
    {
        await using var sim = await DeepCallSimulator.StartAsync();
        sim.Faults.SlowDelay = TimeSpan.FromMilliseconds(200);
        sim.Faults.Enqueue(DeepCallFault.Error1009);
        sim.Faults.Enqueue(DeepCallFault.Error1010);
        sim.Faults.Enqueue(DeepCallFault.ServerError);
        sim.Faults.Enqueue(DeepCallFault.TooManyRequests);
        sim.Faults.Enqueue(DeepCallFault.Slow);
        var body = Auth(sim, ",\"clId\":\"x\"");
        Assert.Equal(1009, Code((await PostAsync(sim, "/api/v2/CallReport/detail", body)).Json!));
        Assert.Equal(1010, Code((await PostAsync(sim, "/api/v2/CallReport/detail", body)).Json!));
        Assert.Equal(500, (await PostAsync(sim, "/api/v2/CallReport/detail", body)).Status);
        using (var http = new HttpClient { BaseAddress = sim.BaseUrl })
        using (var throttled = await http.PostAsync("/api/v2/CallReport/detail", new StringContent(body)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter!.Delta);
        }
        var slow = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, (await PostAsync(sim, "/api/v2/CallReport/detail", body)).Status);
        Assert.True(slow.Elapsed >= TimeSpan.FromMilliseconds(180));
        Assert.Empty(sim.Faults.Pending);
        Assert.Equal([DeepCallFault.Error1009, DeepCallFault.Error1010, DeepCallFault.ServerError, DeepCallFault.TooManyRequests, DeepCallFault.Slow],
            sim.Requests.Select(r => r.Fault!.Value));
    }

    [Fact]
    public async Task Push_reports_carry_the_documented_fields_as_json_or_form()
    {
        await using var sim = await DeepCallSimulator.StartAsync();
        var call = sim.ValidCallsBetween(From, From.AddHours(1)).First(c => c.Answered && c.CallType == "IBD");
        using var report = JsonDocument.Parse(call.PushReportJson("29791451"));
        var r = report.RootElement;
        Assert.Equal(call.ClId, r.GetProperty("callId").GetString());
        Assert.Equal(call.CustomerE164, r.GetProperty("cNumber").GetString());
        Assert.Equal("+918045678900", r.GetProperty("DID").GetString());
        foreach (var field in new[] { "callStatus", "cType", "ivrSTime", "ivrETime", "ivrDuration", "masterAgent", "firstAnswerTime", "lastHangupTime" })
        {
            Assert.True(r.TryGetProperty(field, out _), field);
        }
    }
}
