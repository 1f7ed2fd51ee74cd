using CdrFunctions.Pipeline.RateLimits;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Moves answered requests later in a <see cref="SlidingLogRateLimiter"/>'s log to when they may have reached the
/// vendor, which counts arrivals: no later than the answer less the fastest round trip seen (the fastest whole trip
/// bounds the part of any trip after arrival). Without this, a request held up on its way (a cold connection, a busy
/// machine) lands in the same vendor period as one sent a full period later, and the vendor answers 429. Each
/// estimate is kept while it can matter and grows when a faster round trip shows up: the first answers of a run
/// are all slow, so the fastest is only known later.
/// </summary>
internal sealed class ArrivalEstimates(SlidingLogRateLimiter log, TimeSpan margin, TimeSpan keep)
{
    private const int RoundTripsKept = 64;

    private readonly Lock _gate = new();
    private readonly TimeSpan[] _roundTrips = new TimeSpan[RoundTripsKept];
    private readonly List<(DateTimeOffset Logged, DateTimeOffset Answered)> _answered = [];
    private int _roundTripsFilled;
    private int _nextRoundTrip;

    /// <summary>The request logged at <paramref name="takenAt"/> was answered at <paramref name="answeredAt"/> after <paramref name="roundTrip"/>.</summary>
    public void Answered(DateTimeOffset takenAt, DateTimeOffset answeredAt, TimeSpan roundTrip)
    {
        lock (_gate)
        {
            var fastest = KeepRoundTrip(roundTrip);
            _answered.RemoveAll(a => a.Answered < answeredAt - keep);
            _answered.Add((takenAt, answeredAt));
            for (var i = 0; i < _answered.Count; i++)
            {
                var (logged, answered) = _answered[i];
                // The log's own margin already covers this much lateness.
                var arrival = answered - fastest - margin;
                if (arrival > logged)
                {
                    log.Postpone(logged, arrival - logged);
                    _answered[i] = (arrival, answered);
                }
            }
        }
    }

    /// <summary>Keeps <paramref name="roundTrip"/> among the last ones (a ring) and returns the fastest of them.</summary>
    private TimeSpan KeepRoundTrip(TimeSpan roundTrip)
    {
        _roundTrips[_nextRoundTrip] = roundTrip;
        _nextRoundTrip = (_nextRoundTrip + 1) % RoundTripsKept;
        _roundTripsFilled = Math.Min(_roundTripsFilled + 1, RoundTripsKept);
        var fastest = roundTrip;
        for (var i = 0; i < _roundTripsFilled; i++)
        {
            fastest = _roundTrips[i] < fastest ? _roundTrips[i] : fastest;
        }
        return fastest;
    }
}
