using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Tests.Pipeline.Normalize.Reference;

namespace CdrFunctions.Tests.Core.Model;

/// <summary>
/// Times in the CallRecord JSON, the curated CSV and messages have one format with one definition
/// (<see cref="IsoUtc.FormatUtf8"/>, issue #14); the text form must stay what the custom-format string of 72f9dcb gave.
/// </summary>
public sealed class IsoUtcTests
{
    [Theory]
    [InlineData(0L, "2025-11-22T10:43:18Z")]
    [InlineData(5_000_000L, "2025-11-22T10:43:18.5Z")]
    [InlineData(1L, "2025-11-22T10:43:18.0000001Z")]
    [InlineData(1_234_000L, "2025-11-22T10:43:18.1234Z")]
    public void Whole_seconds_have_no_fraction_and_a_fraction_has_no_trailing_zeros(long ticks, string expected)
    {
        var instant = new DateTimeOffset(2025, 11, 22, 13, 43, 18, TimeSpan.FromHours(3)).AddTicks(ticks);

        Assert.Equal(expected, IsoUtc.Format(instant));
    }

    [Fact]
    public void Text_and_utf8_forms_equal_the_old_format_for_any_instant_and_offset()
    {
        var random = new Random(14);
        Span<byte> utf8 = stackalloc byte[IsoUtc.MaxUtf8Length];
        var instants = new List<DateTimeOffset> { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch };
        for (var i = 0; i < 5_000; i++)
        {
            var ticks = random.NextInt64(TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay);
            var offset = TimeSpan.FromMinutes(15 * random.Next(-56, 57));
            instants.Add(new DateTimeOffset(ticks - (ticks % (random.Next(3) == 0 ? TimeSpan.TicksPerSecond : 1)), TimeSpan.Zero).ToOffset(offset));
        }

        foreach (var instant in instants)
        {
            var expected = CsvHelperCuratedCsvReference.Time(instant);
            Assert.Equal(expected, IsoUtc.Format(instant));
            Assert.Equal(expected, Encoding.ASCII.GetString(utf8[..IsoUtc.FormatUtf8(instant, utf8)]));
        }
        Assert.Null(IsoUtc.Format((DateTimeOffset?)null));
    }
}
