using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Hosting;

/// <summary>Issue #11: a push whose callId holds invalid UTF-8 or a lone surrogate was a 500; it is a 400 problem.</summary>
[Collection(AzuriteCollection.Name)]
public class WebhookRobustnessTests
{
    [Fact]
    public async Task A_callId_with_invalid_UTF8_or_a_lone_surrogate_is_a_400_problem_and_lands_nothing()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, _) = await h.StartWebhookAsync();
        var url = DeepCallHarness.WebhookUrl(hook);
        using var http = new HttpClient();

        byte[] invalid = [.. "{\"callId\":\"a"u8, 0xC3, 0x28, 0xFF, .. "\",\"ivrSTime\":\"2026-11-22 10:00:00\"}"u8];
        byte[] surrogate = Encoding.UTF8.GetBytes("""{"callId":"a\ud800","ivrSTime":"2026-11-22 10:00:00"}""");
        foreach (var body in new[] { invalid, surrogate })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(url, content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("callId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Empty(await h.RawBlobsAsync("deepcall/"));
    }
}
