using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: a large window is resolved a wave of buckets at a time, so its plans (every row it writes) are held
/// for one wave only. Waves keep the groups whole and in order, and hold at most <see cref="CallRowResolver.CallsPerWave"/>
/// calls unless a single group is larger.
/// </summary>
public class CallRowResolverWavesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3_000)]
    [InlineData(6_400)]
    [InlineData(6_401)]
    [InlineData(300_000)]
    public void Waves_hold_every_group_once_in_order_and_at_most_a_wave_of_calls(int calls)
    {
        var random = new Random(calls);
        var groups = new List<string[]>();
        for (var left = calls; left > 0;)
        {
            var size = Math.Min(left, random.Next(1, 101));
            groups.Add([.. Enumerable.Range(calls - left, size).Select(i => $"c{i}")]);
            left -= size;
        }

        var waves = CallRowResolver.Waves(groups).ToList();

        Assert.Equal(groups, waves.SelectMany(w => w));
        Assert.All(waves, w => Assert.InRange(w.Sum(g => g.Length), 1, CallRowResolver.CallsPerWave));
        Assert.Equal(calls == 0 ? 0 : calls <= CallRowResolver.CallsPerWave ? 1 : waves.Count, waves.Count);
        // Greedy: a wave ends only where the next group would not fit, so batches stay as full as the window allows.
        for (var i = 0; i + 1 < waves.Count; i++)
        {
            Assert.True(waves[i].Sum(g => g.Length) + waves[i + 1][0].Length > CallRowResolver.CallsPerWave);
        }
    }
}
