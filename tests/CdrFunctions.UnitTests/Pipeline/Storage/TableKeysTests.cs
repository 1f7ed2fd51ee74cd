using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Tests.Pipeline.Storage;

public class TableKeysTests
{
    private static bool IsValidKey(string key) =>
        key.Length <= 512 && key.All(c => c is not ('/' or '\\' or '#' or '?') && !char.IsControl(c));

    [Theory]
    [InlineData("ab/c#\u0001")]
    [InlineData("a\\b?c")]
    [InlineData("tab\there\nnewline")]
    [InlineData("\u007f\u0085\u009f")]
    [InlineData("%2F")]
    public void Escaped_ids_are_valid_table_keys(string id) => Assert.True(IsValidKey(TableKeys.Escape(id)), TableKeys.Escape(id));

    [Fact]
    public void Plain_ids_stay_readable() => Assert.Equal("ahRzfmFsb3RlY2g-1234_x.y", TableKeys.Escape("ahRzfmFsb3RlY2g-1234_x.y"));

    [Fact]
    public void Escaping_is_injective()
    {
        string[] ids = ["a/b", "a%002Fb", "a%2Fb", "a_b", "a\\b", "a#b", "a?b", "a~b", "a%b", "a%0025b"];
        var keys = ids.Select(TableKeys.Escape).ToList();
        Assert.Equal(ids.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Huge_ids_are_hashed_below_the_key_limit()
    {
        var a = new string('x', 5000) + "a";
        var b = new string('x', 5000) + "b";
        Assert.True(IsValidKey(TableKeys.Escape(a)));
        Assert.NotEqual(TableKeys.Escape(a), TableKeys.Escape(b));
        Assert.True(TableKeys.Escape(a).Length <= TableKeys.MaxEscapedLength);
    }

    [Fact]
    public void Number_row_keys_sort_newest_first()
    {
        var older = TableKeys.ByNumber("+905321234567", new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), "alotech", "1").RowKey;
        var newer = TableKeys.ByNumber("+905321234567", new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), "alotech", "2").RowKey;
        Assert.True(string.CompareOrdinal(newer, older) < 0);
    }

    [Fact]
    public void Number_range_is_half_open()
    {
        var from = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var (lower, upper) = TableKeys.NumberRange(from, to);
        bool InRange(DateTimeOffset start)
        {
            var rk = TableKeys.ByNumber("+1", start, "v", "id").RowKey;
            return string.CompareOrdinal(rk, lower) >= 0 && string.CompareOrdinal(rk, upper) < 0;
        }
        Assert.True(InRange(from));
        Assert.True(InRange(to.AddTicks(-1)));
        Assert.False(InRange(to));
        Assert.False(InRange(from.AddTicks(-1)));
    }

    [Fact]
    public void Buckets_are_stable_and_spread()
    {
        Assert.Equal(TableKeys.Bucket("call-1"), TableKeys.Bucket("call-1"));
        var buckets = Enumerable.Range(0, 2000).Select(i => TableKeys.Bucket($"call-{i}")).Distinct().Count();
        Assert.Equal(TableKeys.IdBuckets, buckets);
    }
}
