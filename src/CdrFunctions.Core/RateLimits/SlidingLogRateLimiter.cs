using System.Threading.RateLimiting;

namespace CdrFunctions.Pipeline.RateLimits;

/// <summary>
/// A <see cref="RateLimiter"/> that keeps the send time of each recent permit and grants the next one at the
/// first instant where every window of its policy has room, so no span of any window ever holds more than
/// its permits (a fixed window would allow twice as many across a boundary). Waiters are served in arrival
/// order: a permit is reserved at its slot when asked for, then the caller waits until the slot. Time comes
/// from a <see cref="TimeProvider"/>, so tests drive it with a fake clock. It serves both the per-vendor request
/// limits (<c>RequestRateLimiter</c>, which also slows it down after a 429) and RingCX's per-sub-account limits.
/// </summary>
public sealed class SlidingLogRateLimiter : RateLimiter
{
    /// <summary>When an acquired permit was logged as taken: the time <see cref="Postpone"/> needs to find it again.</summary>
    public static readonly MetadataName<DateTimeOffset> TakenAt = new("TAKEN_AT");

    private readonly Lock _gate = new();
    private readonly RateLimitPolicy _policy;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultMaxWait;
    private readonly TimeSpan _longestWindow;
    private readonly List<DateTimeOffset> _log = [];
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private double _slowdown = 1;
    private long _granted;
    private long _refused;

    public SlidingLogRateLimiter(RateLimitPolicy policy, TimeProvider time, TimeSpan? defaultMaxWait = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Limits.Count == 0 || policy.Limits.Any(l => l.Permits <= 0 || l.Window <= TimeSpan.Zero))
        {
            throw new ArgumentException("A rate limit policy needs at least one limit with positive permits and window.", nameof(policy));
        }
        _policy = policy;
        _time = time;
        _defaultMaxWait = defaultMaxWait ?? Timeout.InfiniteTimeSpan;
        _longestWindow = policy.Limits.Max(l => l.Window) + policy.SafetyMargin;
    }

    public RateLimitPolicy Policy => _policy;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _log.Count == 0 ? TimeSpan.Zero : _log[^1] > _time.GetUtcNow() ? null : _time.GetUtcNow() - _log[^1];
            }
        }
    }

    /// <summary>Nobody gets a permit before <paramref name="until"/> (the server said Retry-After).</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    /// <summary>
    /// Moves a permit logged at <paramref name="taken"/> later by <paramref name="by"/>: the caller learned that its
    /// request may have reached the server that much later than it was sent, and the server counts arrivals. A
    /// permit already out of every window is left alone.
    /// </summary>
    public void Postpone(DateTimeOffset taken, TimeSpan by)
    {
        if (by <= TimeSpan.Zero)
        {
            return;
        }
        lock (_gate)
        {
            var at = UpperBound(taken) - 1;
            if (at >= 0 && _log[at] == taken)
            {
                _log.RemoveAt(at);
                _log.Insert(UpperBound(taken + by), taken + by);
            }
        }
    }

    /// <summary>
    /// How many times longer than configured every window currently counts (1 = as configured): a caller that
    /// was throttled despite the limits slows down with it, and speeds back up as answers succeed.
    /// </summary>
    public double Slowdown
    {
        get
        {
            lock (_gate)
            {
                return _slowdown;
            }
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_gate)
            {
                _slowdown = value;
            }
        }
    }

    /// <summary>How long a caller asking now would wait for one permit.</summary>
    public TimeSpan WaitForNext()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var slot = NextSlot(1, now);
            return slot > now ? slot - now : TimeSpan.Zero;
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var available = now < _pausedUntil ? 0 : _policy.Limits.Min(l => Math.Max(0, l.Permits - _log.Count(t => t > now - l.Window - _policy.SafetyMargin)));
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = available,
                CurrentQueuedCount = _log.Count(t => t > now),
                TotalSuccessfulLeases = Interlocked.Read(ref _granted),
                TotalFailedLeases = Interlocked.Read(ref _refused),
            };
        }
    }

    /// <summary>
    /// Waits for <paramref name="permitCount"/> permits unless that would take longer than
    /// <paramref name="maxWait"/>; then returns at once with a failed lease whose RetryAfter says how long.
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(int permitCount, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        var reserved = true;
        while (true)
        {
            DateTimeOffset slot;
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                // First in arrival order (a reserved slot); a caller that woke too late to fit retries at the first
                // moment the permits already taken allow, without a reservation.
                slot = reserved ? NextSlot(permitCount, now) : EarliestFit(permitCount, now);
                wait = slot > now ? slot - now : TimeSpan.Zero;
                if (maxWait != Timeout.InfiniteTimeSpan && wait > maxWait)
                {
                    Interlocked.Increment(ref _refused);
                    return new Lease(false, wait);
                }
                for (var i = 0; reserved && i < permitCount; i++)
                {
                    _log.Add(slot);
                }
            }
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (reserved)
                    {
                        Release(slot, permitCount);
                    }
                    throw;
                }
            }
            lock (_gate)
            {
                // Timers fire late on a busy machine: the permit is logged when it is really taken, and only if
                // that moment still fits every window (and no pause began meanwhile); else the caller tries again.
                var now = _time.GetUtcNow();
                if (reserved)
                {
                    RemoveReserved(slot, permitCount);
                }
                if (now >= _pausedUntil && Fits(now, permitCount))
                {
                    var at = UpperBound(now);
                    for (var i = 0; i < permitCount; i++)
                    {
                        _log.Insert(at, now);
                    }
                    Interlocked.Increment(ref _granted);
                    return new Lease(true, null, now);
                }
                reserved = false;
            }
        }
    }

    /// <summary>The first moment at or after <paramref name="now"/> when the permits taken or due by now leave room (reservations after it not counted).</summary>
    private DateTimeOffset EarliestFit(int permitCount, DateTimeOffset now)
    {
        var k = UpperBound(now);
        var slot = now > _pausedUntil ? now : _pausedUntil;
        foreach (var limit in _policy.Limits)
        {
            var older = k + permitCount - 1 - limit.Permits;
            if (older >= 0 && older < k && _log[older] + (limit.Window * _slowdown) + _policy.SafetyMargin is var free && free > slot)
            {
                slot = free;
            }
        }
        return slot;
    }

    /// <summary>
    /// Whether <paramref name="permitCount"/> permits taken at <paramref name="at"/> keep every window of the permits
    /// taken or due by then within its limit (later reservations check themselves when their turn comes).
    /// </summary>
    private bool Fits(DateTimeOffset at, int permitCount)
    {
        var k = UpperBound(at);
        foreach (var limit in _policy.Limits)
        {
            var span = (limit.Window * _slowdown) + _policy.SafetyMargin;
            // The new permits sit at k..k+permitCount-1: the permit Permits before the last of them must be a span older.
            var older = k + permitCount - 1 - limit.Permits;
            if (older >= 0 && at - (older < k ? _log[older] : at) < span)
            {
                return false;
            }
        }
        return true;
    }

    private int UpperBound(DateTimeOffset t)
    {
        var (lo, hi) = (0, _log.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_log[mid] <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private void RemoveReserved(DateTimeOffset slot, int permitCount)
    {
        for (var i = 0; i < permitCount; i++)
        {
            _log.Remove(slot);
        }
    }

    private void Release(DateTimeOffset slot, int permitCount)
    {
        lock (_gate)
        {
            RemoveReserved(slot, permitCount);
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var slot = NextSlot(Math.Max(permitCount, 1), now);
            if (slot > now)
            {
                Interlocked.Increment(ref _refused);
                return new Lease(false, slot - now);
            }
            for (var i = 0; i < permitCount; i++)
            {
                _log.Add(now);
            }
            Interlocked.Increment(ref _granted);
            return new Lease(true, null, now);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        AcquireAsync(permitCount, _defaultMaxWait, cancellationToken);

    /// <summary>
    /// The first instant at or after <paramref name="now"/> (and after every reservation, to keep arrival
    /// order) where each window, counting the new permits, holds no more than its limit.
    /// </summary>
    private DateTimeOffset NextSlot(int permitCount, DateTimeOffset now)
    {
        var cutoff = now - (_longestWindow * _slowdown);
        var stale = 0;
        while (stale < _log.Count && _log[stale] <= cutoff)
        {
            stale++;
        }
        _log.RemoveRange(0, stale);

        var slot = now > _pausedUntil ? now : _pausedUntil;
        if (_log.Count > 0 && _log[^1] > slot)
        {
            slot = _log[^1];
        }
        foreach (var limit in _policy.Limits)
        {
            // The permit that must have left the window: the (limit − new + 1)-th most recent one.
            var index = _log.Count - (limit.Permits - permitCount + 1);
            if (index >= 0)
            {
                var free = _log[index] + (limit.Window * _slowdown) + _policy.SafetyMargin;
                if (free > slot)
                {
                    slot = free;
                }
            }
        }
        return slot;
    }

    private void CheckPermitCount(int permitCount)
    {
        var smallest = _policy.Limits.Min(l => l.Permits);
        if (permitCount < 0 || permitCount > smallest)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"between 0 and {smallest} permits can be asked for at once");
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter, DateTimeOffset? takenAt = null) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            (retryAfter is null ? [] : new[] { MetadataName.RetryAfter.Name }).Concat(takenAt is null ? [] : [TakenAt.Name]);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = r;
                return true;
            }
            if (takenAt is { } t && metadataName == TakenAt.Name)
            {
                metadata = t;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
