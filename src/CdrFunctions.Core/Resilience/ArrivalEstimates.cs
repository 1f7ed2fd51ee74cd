using CdrFunctions.Pipeline.RateLimits;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Moves answered requests later in a <see cref="SlidingLogRateLimiter"/>'s log to when they may have reached the
/// vendor, which counts arrivals: no later than the answer less the fastest round trip seen (the fastest whole trip
/// bounds the part of any trip after arrival), and at most <c>maxLateness</c> after they were sent. A request held up
/// on its way (a busy machine, a cold connection) otherwise lands in the same vendor period as one sent a full period
/// later, and draws a 429. The bound is there because the estimate also holds the vendor's own time to answer, which
/// varies far more than the trip there: unbounded, it would slow down every vendor with slow pages. Each estimate
/// grows when a faster round trip shows up: the first answers of a run are all slow, so the fastest is only known later.
/// </summary>
internal sealed class ArrivalEstimates(SlidingLogRateLimiter log, TimeSpan margin, TimeSpan keep, TimeSpan maxLateness)
{
    private const int RoundTripsKept = 64;

    private readonly Lock _gate = new();
    private readonly TimeSpan[] _roundTrips = new TimeSpan[RoundTripsKept];
    private readonly List<(DateTimeOffset Taken, DateTimeOffset Logged, DateTimeOffset Answered)> _answered = [];
    private int _roundTripsFilled;
    private int _nextRoundTrip;

    /// <summary>The request logged at <paramref name="takenAt"/> was answered at <paramref name="answeredAt"/> after <paramref name="roundTrip"/>.</summary>
    public void Answered(DateTimeOffset takenAt, DateTimeOffset answeredAt, TimeSpan roundTrip)
    {
        lock (_gate)
        {
            var fastest = KeepRoundTrip(roundTrip);
            _answered.RemoveAll(a => a.Answered < answeredAt - keep);
            _answered.Add((takenAt, takenAt, answeredAt));
            for (var i = 0; i < _answered.Count; i++)
            {
                var (taken, logged, answered) = _answered[i];
                // The log's own margin already covers this much lateness.
                var arrival = Min(answered - fastest - margin, taken + maxLateness);
                if (arrival > logged)
                {
                    log.Postpone(logged, arrival - logged);
                    _answered[i] = (taken, arrival, answered);
                }
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

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
