using System.Text;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Vendors.Alotech;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Tests.Core.Resilience;

/// <summary>
/// Vendor bodies in errors (exception messages, logs, <c>lastError</c> in status) carry only what explains the
/// failure: the message of a JSON body or the title of an HTML page, no credential, no run of digits, short.
/// </summary>
public partial class VendorErrorExcerptTests
{
    private const string Token = "alotech-token-5f0c2b";

    [Theory]
    [InlineData("caller 0506 198 75 17 not found")]
    [InlineData("caller +905061987517 not found")]
    [InlineData("caller (0212) 555-12-34 not found")]
    [InlineData("caller 905061987517, call 029922898003661 not found")]
    public void Digit_runs_are_masked(string body)
    {
        var excerpt = VendorApiException.Excerpt(body, null);
        Assert.DoesNotMatch(FiveDigits(), excerpt);
        Assert.StartsWith("caller ", excerpt);
        Assert.EndsWith("not found", excerpt);
    }

    [Fact]
    public void Short_numbers_that_explain_the_failure_stay()
    {
        Assert.Equal("error 1014: token expired after 30 minutes", VendorApiException.Excerpt("error 1014: token expired after 30 minutes", null));
    }

    [Fact]
    public void A_json_body_is_cut_to_its_message_and_an_html_page_to_its_title()
    {
        var json = """{"success":false,"message":"Invalid app_token","CallList":null,"caller":"05061987517","agent":"zeynep.demir@sim-tenant.com.tr"}""";
        Assert.Equal("Invalid app_token", VendorApiException.Excerpt(json, null));

        var html = "<html><head><title>502 Bad Gateway</title></head><body>" + string.Concat(Enumerable.Repeat("<p>upstream 10.0.0.12 said 05061987517</p>", 50)) + "</body></html>";
        Assert.Equal("502 Bad Gateway", VendorApiException.Excerpt(html, null));

        var text = string.Concat(Enumerable.Repeat("word ", 200));
        Assert.True(VendorApiException.Excerpt(text, null).Length <= VendorApiException.DefaultExcerptLength + 1);
    }

    [Fact]
    public void Alotech_error_bodies_reach_the_exception_without_token_or_number()
    {
        var client = new AlotechClient(new HttpClient(), Options.Create(new AlotechOptions { AppToken = Token, Tenant = "t" }), new VendorRetries(), NullLogger<AlotechClient>.Instance);
        var body = $$"""{"success":false,"message":"no CDR for caller 0506 198 75 17 with token {{Token}}"}""";
        var e = Assert.Throws<VendorApiException>(() => client.ReadPage(Encoding.UTF8.GetBytes(body)));
        Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(FiveDigits(), e.Message);
        Assert.Contains("no CDR for caller", e.Message, StringComparison.Ordinal);

        var page = "<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>" + new string('x', 5000) + " 05061987517</body></html>";
        e = Assert.Throws<VendorApiException>(() => client.ReadPage(Encoding.UTF8.GetBytes(page)));
        Assert.EndsWith("Service Unavailable", e.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\d(?:\D{0,2}\d){4,}")]
    private static partial Regex FiveDigits();
}
