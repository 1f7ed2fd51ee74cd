using System.Text;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Tests.Core.Parsing;

public class RecentStringsTests
{
    [Fact]
    public void Every_value_reads_as_its_string_and_a_recent_one_is_decoded_once()
    {
        var recent = new RecentStrings();
        var random = new Random(5);
        string[] pool = ["DTE", "IT TFN", "", "Müşteri", new string('x', 300), "DTE ", "DT", "a", "bb", "ccc", "dddd"];
        for (var i = 0; i < 5_000; i++)
        {
            // Repeating values, and numbers that never repeat, of growing and shrinking lengths.
            var value = random.Next(3) == 0 ? random.NextInt64(0, long.MaxValue >> random.Next(60)).ToString(System.Globalization.CultureInfo.InvariantCulture) : pool[random.Next(pool.Length)];
            Assert.Equal(value, recent.Get(Encoding.UTF8.GetBytes(value)));
        }
        var first = recent.Get("queue"u8);
        Assert.Same(first, recent.Get("queue"u8));
    }
}
