using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Text;
using CdrFunctions.Vendors.EngageVoice;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

public class EngageVoiceClientPartsTests
{
    [Theory]
    [InlineData("https://ringcx.ringcentral.com", null, EngageVoiceAuthMode.RingCentralJwt, "https://ringcx.ringcentral.com/voice/api/v1/")]
    [InlineData("https://engage.ringcentral.com/", null, EngageVoiceAuthMode.ApiToken, "https://engage.ringcentral.com/voice/api/v1/")]
    [InlineData("https://portal.vacd.biz", null, EngageVoiceAuthMode.ApiToken, "https://portal.vacd.biz/api/v1/")]
    [InlineData("https://portal.virtualacd.biz", null, EngageVoiceAuthMode.Legacy, "https://portal.virtualacd.biz/api/v1/")]
    [InlineData("http://127.0.0.1:5000/", null, EngageVoiceAuthMode.Legacy, "http://127.0.0.1:5000/api/v1/")]
    [InlineData("http://127.0.0.1:5000/", false, EngageVoiceAuthMode.ApiToken, "http://127.0.0.1:5000/api/v1/")]
    public void Api_paths_have_the_voice_prefix_except_on_legacy_hosts(string baseUrl, bool? prefix, EngageVoiceAuthMode mode, string expected)
    {
        var o = new EngageVoiceOptions { BaseUrl = new Uri(baseUrl), VoicePathPrefix = prefix, AuthMode = mode };
        Assert.Equal(expected, o.ApiRoot().AbsoluteUri);
        Assert.Equal(new Uri(baseUrl).GetLeftPart(UriPartial.Authority) + "/", o.Root().AbsoluteUri);
    }

    [Fact]
    public void Validation_names_what_is_missing_for_each_mode()
    {
        static List<string> Errors(EngageVoiceOptions o)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(o, new ValidationContext(o), results, validateAllProperties: true);
            return results.Select(r => r.ErrorMessage!).ToList();
        }
        var jwt = Errors(new EngageVoiceOptions { Pull = { Enabled = true }, AuthMode = EngageVoiceAuthMode.RingCentralJwt, AccountId = "1", ProfileIds = ["1"] });
        Assert.Contains(jwt, e => e.Contains("Jwt, ClientId and ClientSecret", StringComparison.Ordinal));
        var token = Errors(new EngageVoiceOptions { Pull = { Enabled = true }, AccountId = "1" });
        Assert.Contains(token, e => e.Contains("ApiToken", StringComparison.Ordinal));
        Assert.Contains(token, e => e.Contains("UserId", StringComparison.Ordinal));
        var ids = Errors(new EngageVoiceOptions { ProfileGroupIds = ["null", "12", "x"], TimeZone = "Mars/Base" });
        Assert.Contains(ids, e => e.Contains("'x'", StringComparison.Ordinal));
        Assert.Contains(ids, e => e.Contains("Mars/Base", StringComparison.Ordinal));
        Assert.Empty(Errors(new EngageVoiceOptions { Pull = { Enabled = true }, AccountId = "1", ApiToken = "t", ProfileGroupIds = ["null", "10"], ProfileIds = ["1111"] }));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a,b\n", 1)]
    [InlineData("a,b\r\nc,d", 2)]
    [InlineData("cloud_profile_id,uii\r\n1,'2\r\n\r\n3,'4\r\n", 2)]
    [InlineData("\uFEFFcloud_profile_id,uii\n1,'2", 1)]
    [InlineData("1,\"a\nb\",c\n2,x,y\n", 2)]
    public void Records_are_counted_as_the_bytes_pass(string csv, int records)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var counter = new CsvRecordCounter();
        // Odd chunking: the header check and line state must survive buffer boundaries.
        for (var i = 0; i < bytes.Length; i += 3)
        {
            counter.Add(bytes.AsSpan(i, Math.Min(3, bytes.Length - i)));
        }
        Assert.Equal(records, counter.Records);
        Assert.Equal(bytes.Length, counter.Bytes);
    }

    [Fact]
    public void The_jwt_lifetime_is_read_and_garbage_is_not()
    {
        static string B64(string s) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s));
        Assert.Equal(TimeSpan.FromMinutes(5), EngageVoiceAuth.JwtLifetime($"{B64("{}")}.{B64("{\"iat\":1700000000,\"exp\":1700000300}")}.sig"));
        Assert.Null(EngageVoiceAuth.JwtLifetime($"{B64("{}")}.{B64("{\"exp\":1700000000}")}.sig"));
        Assert.Null(EngageVoiceAuth.JwtLifetime("not-a-jwt"));
        Assert.Null(EngageVoiceAuth.JwtLifetime("a.%%%.c"));
        Assert.Null(EngageVoiceAuth.JwtLifetime($"{B64("{}")}.{B64("[1]")}.sig"));
    }

    [Fact]
    public void InputControls_groups_and_children_are_found_wherever_they_sit()
    {
        var ids = EngageVoiceInputControls.Read("""
            {"data":[{"groupId":null,"children":[{"objId":1111}]},{"groupId":10,"children":[{"objId":2222},{"objId":3333}]}]}
            """);
        Assert.NotNull(ids);
        Assert.Equal([null, 10L], ids!.GroupIds);
        Assert.Equal([1111L, 2222L, 3333L], ids.Ids);
        Assert.Empty(EngageVoiceInputControls.Read("""{"something":"else"}""")!.Ids);
        Assert.Null(EngageVoiceInputControls.Read("<html/>"));
    }
}
