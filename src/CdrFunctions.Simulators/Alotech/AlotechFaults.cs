using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Faults injected into API requests (<c>/api</c>): first the FIFO queue, then a seeded random draw.
/// Thread-safe; also settable over HTTP at <c>/_simulator/faults</c>.
/// </summary>
public sealed class AlotechFaults
{
    private static readonly AlotechFault[] AllKinds = Enum.GetValues<AlotechFault>();
    private static readonly TimeSpan DefaultSlowDelay = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private readonly Queue<AlotechFault> _queue = new();
    private readonly int _seed;
    private StableRandom _random;
    private double _randomFaultRate;
    private AlotechFault[] _randomKinds = AllKinds;
    private int _retryAfterSeconds = 1;
    private TimeSpan _slowDelay = DefaultSlowDelay;

    internal AlotechFaults(int seed)
    {
        _seed = seed;
        _random = NewRandom(seed);
    }

    /// <summary>Probability (0..1) that an API request, after the queue is empty, gets a random fault.</summary>
    public double RandomFaultRate
    {
        get { lock (_gate) { return _randomFaultRate; } }
        set
        {
            if (double.IsNaN(value) || value < 0 || value > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "RandomFaultRate must be between 0 and 1.");
            }

            lock (_gate) { _randomFaultRate = value; }
        }
    }

    /// <summary>Kinds a random fault is drawn from (uniformly); all kinds by default.</summary>
    public IReadOnlyList<AlotechFault> RandomKinds
    {
        get { lock (_gate) { return _randomKinds; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var kinds = value.ToArray();
            if (kinds.Length == 0)
            {
                throw new ArgumentException("RandomKinds must name at least one fault.", nameof(value));
            }

            foreach (var kind in kinds)
            {
                EnsureDefined(kind);
            }

            lock (_gate) { _randomKinds = kinds; }
        }
    }

    /// <summary>Value of the <c>Retry-After</c> header sent with <see cref="AlotechFault.TooManyRequests"/>.</summary>
    public int RetryAfterSeconds
    {
        get { lock (_gate) { return _retryAfterSeconds; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate) { _retryAfterSeconds = value; }
        }
    }

    /// <summary>Delay of <see cref="AlotechFault.Slow"/> before the normal response.</summary>
    public TimeSpan SlowDelay
    {
        get { lock (_gate) { return _slowDelay; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate) { _slowDelay = value; }
        }
    }

    /// <summary>Faults still queued, in the order they will be served.</summary>
    public IReadOnlyList<AlotechFault> Pending
    {
        get { lock (_gate) { return _queue.ToArray(); } }
    }

    /// <summary>The next <paramref name="count"/> API requests get <paramref name="kind"/> (after what is already queued).</summary>
    public void Enqueue(AlotechFault kind, int count = 1)
    {
        EnsureDefined(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _queue.Enqueue(kind);
            }
        }
    }

    public void ClearQueue()
    {
        lock (_gate) { _queue.Clear(); }
    }

    /// <summary>Back to defaults: empty queue, no random faults, and the random sequence restarted.</summary>
    public void Reset()
    {
        lock (_gate) { ResetCore(); }
    }

    /// <summary>The fault for the request being served, if any; consumes the queue and the random sequence.</summary>
    internal AlotechFault? TakeNext()
    {
        lock (_gate)
        {
            if (_queue.TryDequeue(out var queued))
            {
                return queued;
            }

            // The RNG is only consumed while random faults are on, so toggling them is reproducible.
            if (_randomFaultRate <= 0 || !_random.Chance(_randomFaultRate))
            {
                return null;
            }

            return _random.Pick(_randomKinds);
        }
    }

    internal void Apply(AlotechFaultSettings settings)
    {
        // Settings were validated by the parser; applying them under one lock makes an HTTP update atomic.
        lock (_gate)
        {
            if (settings.Reset)
            {
                ResetCore();
            }

            if (settings.ClearQueue)
            {
                _queue.Clear();
            }

            _randomFaultRate = settings.RandomFaultRate ?? _randomFaultRate;
            _randomKinds = settings.RandomKinds ?? _randomKinds;
            _retryAfterSeconds = settings.RetryAfterSeconds ?? _retryAfterSeconds;
            _slowDelay = settings.SlowDelay ?? _slowDelay;
            foreach (var (kind, count) in settings.Enqueue)
            {
                for (var i = 0; i < count; i++)
                {
                    _queue.Enqueue(kind);
                }
            }
        }
    }

    private void ResetCore()
    {
        _queue.Clear();
        _randomFaultRate = 0;
        _randomKinds = AllKinds;
        _retryAfterSeconds = 1;
        _slowDelay = DefaultSlowDelay;
        _random = NewRandom(_seed);
    }

    private static StableRandom NewRandom(int seed) => new(StableHash.Of(seed, 0x0FA017));

    private static void EnsureDefined(AlotechFault kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault kind.");
        }
    }
}
