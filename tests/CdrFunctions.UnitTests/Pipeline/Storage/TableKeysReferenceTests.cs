using System.Globalization;
using System.IO.Hashing;
using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Tests.Pipeline.Storage;

/// <summary>
/// Issue #14: the table keys are built without per-call arrays and with partition names reused across calls; every
/// key must stay exactly what the formulas of session 6 (kept below) built, for any id, vendor, day and order of calls,
/// since stored rows are found by them.
/// </summary>
public sealed class TableKeysReferenceTests
{
    private static readonly string[] Ids =
    [
        "049869600006960", "call-1", "a/b", "a%2Fb", "a~b", "tab\there", "\u007f\u0085", "İğüşçö客服", "broken \ud800 surrogate",
        "\udc00", "😀 emoji", "", new string('x', 5_000) + "a", new string('ç', 300), "id|with|pipes",
    ];

    private static readonly string[] Vendors = ["alotech", "deepcall", "engagevoice", "alotech"];

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Keys_equal_the_reference_formulas_for_any_id_vendor_day_and_order(int seed)
    {
        var random = new Random(seed);
        var day = new DateTimeOffset(2026, 11, 22, 23, 59, 59, TimeSpan.FromHours(3));
        for (var i = 0; i < 3_000; i++)
        {
            var id = random.Next(4) == 0 ? Ids[random.Next(Ids.Length)] : $"call-{random.Next(100_000)}";
            var vendor = Vendors[random.Next(Vendors.Length)];
            var start = day.AddMinutes(random.Next(-3_000, 3_000)).AddTicks(random.Next(10_000));
            var number = random.Next(3) == 0 ? "+90 532/123#4567" : $"+90532{random.Next(1_000_000):D7}";

            Assert.Equal(Reference.ById(vendor, id), TableKeys.ById(vendor, id));
            Assert.Equal(Reference.Bucket(id), TableKeys.Bucket(id));
            Assert.Equal(Reference.ByDay(vendor, start, id), TableKeys.ByDay(vendor, start, id));
            Assert.Equal(Reference.ByNumber(number, start, vendor, id), TableKeys.ByNumber(number, start, vendor, id));
            Assert.Equal(Reference.NumberPartition(number), TableKeys.NumberPartition(number));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_calls_entity_keys_equal_the_reference_formulas(int seed)
    {
        var random = new Random(seed);
        var fallback = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 1_000; i++)
        {
            var record = new CallRecord
            {
                Vendor = Vendors[random.Next(Vendors.Length)],
                CallId = random.Next(3) == 0 ? Ids[random.Next(Ids.Length)] : $"c{random.Next(1_000)}",
                FromNumber = random.Next(4) == 0 ? null : $"+9053{random.Next(100):D2}",
                ToNumber = random.Next(4) == 0 ? null : $"+9053{random.Next(100):D2}",
                StartUtc = random.Next(5) == 0 ? null : fallback.AddHours(random.Next(-48, 48)),
            };

            Assert.Equal(Reference.KeysFor(record, fallback), CallEntityMapper.KeysFor(record, fallback));
        }
    }

    [Fact]
    public void Threads_building_keys_at_once_get_the_reference_keys()
    {
        var failures = 0;
        Parallel.For(0, 8, worker =>
        {
            var vendor = Vendors[worker % Vendors.Length];
            var start = new DateTimeOffset(2026, 11, 20 + worker, 12, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 2_000; i++)
            {
                var id = $"w{worker}-{i}";
                if (TableKeys.ById(vendor, id) != Reference.ById(vendor, id) || TableKeys.ByDay(vendor, start, id) != Reference.ByDay(vendor, start, id))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
    }

    /// <summary>The key formulas as session 6 wrote them (frozen).</summary>
    private static class Reference
    {
        public static string Bucket(string callId) =>
            (XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(callId)) % TableKeys.IdBuckets).ToString("x2", CultureInfo.InvariantCulture);

        public static (string, string) ById(string vendor, string callId) => ($"id|{vendor}|{Bucket(callId)}", TableKeys.Escape(callId));

        public static (string, string) ByDay(string vendor, DateTimeOffset dayOf, string callId) =>
            (string.Create(CultureInfo.InvariantCulture, $"day|{vendor}|{dayOf.UtcDateTime:yyyyMMdd}"), TableKeys.Escape(callId));

        public static (string, string) ByNumber(string number, DateTimeOffset start, string vendor, string callId) =>
            ($"num|{TableKeys.Escape(number)}", string.Create(CultureInfo.InvariantCulture, $"{TableKeys.InvertedTicks(start)}|{vendor}|{TableKeys.Escape(callId)}"));

        public static string NumberPartition(string number) => $"num|{TableKeys.Escape(number)}";

        public static List<(string, string)> KeysFor(CallRecord record, DateTimeOffset fallbackStart)
        {
            var start = record.StartUtc ?? fallbackStart;
            var keys = new List<(string, string)> { ById(record.Vendor, record.CallId), ByDay(record.Vendor, start, record.CallId) };
            foreach (var number in CallEntityMapper.NumbersOf(record))
            {
                keys.Add(ByNumber(number, start, record.Vendor, record.CallId));
            }
            return keys;
        }
    }
}
