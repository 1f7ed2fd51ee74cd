using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Core.Model;

/// <summary>
/// Extras are held as UTF-8 (issue #14: half the memory of a window's records). Everything that reads them must see
/// what the text form of 3977345 gave: the same JSON, the same equality, the same length in UTF-16 units.
/// </summary>
public sealed class CallExtrasTests
{
    public static TheoryData<string> Objects => new()
    {
        "{}",
        """{"a":1}""",
        """{"name":"gökhan.çelik","queue":"Kurumsal Çözümler","hindi":"नमस्ते","emoji":"😀 ok"}""",
        """{"q":"a \"quoted\", comma\r\nline","esc":"\ud83d\ude00 \u00e7"}""",
        """{ "spaced" : [ 1, 2 ], "nested": { "x": null } }""",
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Json_utf8_and_length_are_the_texts(string json)
    {
        var extras = CallExtras.FromJson(json);

        Assert.Equal(json, extras.Json);
        Assert.Equal(Encoding.UTF8.GetBytes(json), extras.Utf8.ToArray());
        Assert.Equal(json.Length, extras.JsonLength);
        Assert.Equal(json, extras.ToString());
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Every_way_in_gives_the_same_extras(string json)
    {
        var fromText = CallExtras.FromJson(json);
        var fromUtf8 = CallExtras.FromWrittenUtf8(Encoding.UTF8.GetBytes(json));
        var fromApi = JsonSerializer.Deserialize<CallExtras>(json)!;

        Assert.Equal(fromText, fromUtf8);
        Assert.Equal(fromText, fromApi);
        Assert.Equal(fromText.GetHashCode(), fromUtf8.GetHashCode());
        Assert.Equal(fromText.GetHashCode(), fromApi.GetHashCode());
        Assert.Equal(json == "{}", ReferenceEquals(CallExtras.Empty, fromText));
    }

    [Fact]
    public void Equality_is_the_texts_over_random_objects()
    {
        var random = new Random(9);
        string[] values = ["a", "b", "ç", "日", "😀", "\"", ",", "a\"b", ""];
        for (var i = 0; i < 2_000; i++)
        {
            var left = Build(random, values);
            var right = Build(random, values);

            Assert.Equal(left.Json == right.Json, left.Equals(right));
            Assert.Equal(left.Json == right.Json, Equals(left, right));
            if (left.Json == right.Json)
            {
                Assert.Equal(left.GetHashCode(), right.GetHashCode());
            }
            Assert.Equal(left.Json.Length, left.JsonLength);
        }

        static CallExtras Build(Random random, string[] values) => CallExtras.Build(w =>
        {
            for (var n = random.Next(3); n > 0; n--)
            {
                w.WriteString(values[random.Next(values.Length)], values[random.Next(values.Length)]);
            }
        });
    }

    [Fact]
    public void The_api_writes_the_extras_verbatim_inside_the_call()
    {
        const string json = """{"agent":"Şükrü","note":"a \"b\""}""";
        var call = new CallRecord { Vendor = "alotech", CallId = "1", Extras = CallExtras.FromJson(json) };

        var written = CallJson.Serialize(call);

        Assert.EndsWith($"\"extras\":{json}}}", written);
        Assert.Equal(call.Extras, CallJson.Deserialize(written)!.Extras);
    }

    [Fact]
    public void Text_that_is_not_valid_unicode_or_not_an_object_is_refused_as_before()
    {
        Assert.ThrowsAny<ArgumentException>(() => CallExtras.FromJson("{\"a\":\"x\uD800y\"}"));
        Assert.Throws<ArgumentException>(() => CallExtras.FromJson("[1]"));
        Assert.Throws<ArgumentException>(() => CallExtras.FromWrittenUtf8("[1]"u8));
    }

    [Fact]
    public void The_table_limit_counts_utf16_units_not_bytes()
    {
        // 'ç' is two bytes and one unit, '😀' four bytes and two units: the limit is the table's, in units.
        var wrapper = """{"v":""}""".Length;
        var atLimit = Call(new string('ç', RecordLimits.MaxExtrasChars - wrapper));
        var overByOne = Call(new string('ç', RecordLimits.MaxExtrasChars - wrapper - 1) + "😀");

        Assert.True(atLimit.Extras.Utf8.Length > RecordLimits.MaxExtrasChars);
        Assert.Null(RecordLimits.Violation(atLimit));
        Assert.Contains($"{RecordLimits.MaxExtrasChars + 1:N0} characters", RecordLimits.Violation(overByOne));

        static CallRecord Call(string value) =>
            new() { Vendor = "alotech", CallId = "1", Extras = CallExtras.FromJson($$"""{"v":"{{value}}"}""") };
    }

    [Fact]
    public void Ascii_extras_at_the_limit_pass_and_one_byte_over_is_refused()
    {
        // One byte a unit: the bytes alone decide, on either side of the limit.
        var wrapper = """{"v":""}""".Length;
        Assert.Null(RecordLimits.Violation(Call(RecordLimits.MaxExtrasChars - wrapper)));
        Assert.Contains($"{RecordLimits.MaxExtrasChars + 1:N0} characters", RecordLimits.Violation(Call(RecordLimits.MaxExtrasChars - wrapper + 1)));

        static CallRecord Call(int length) =>
            new() { Vendor = "alotech", CallId = "1", Extras = CallExtras.FromJson($$"""{"v":"{{new string('a', length)}}"}""") };
    }
}
