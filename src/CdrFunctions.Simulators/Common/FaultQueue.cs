namespace CdrFunctions.Simulators.Common;

/// <summary>
/// Faults a simulator serves to its next requests: first the queue (first in, first out), then, while
/// <see cref="RandomFaultRate"/> is above 0, a draw from <see cref="RandomKinds"/> that repeats for the same
/// seed. Safe to use from tests and requests at once.
/// </summary>
public sealed class FaultQueue<TFault>(int seed = 0)
    where TFault : struct, Enum
{
    private readonly Lock _gate = new();
    private readonly Queue<TFault> _queue = new();
    private readonly StableRandom _random = new(StableHash.Of(seed, 0x0FA017));
    private double _randomFaultRate;
    private TFault[] _randomKinds = Enum.GetValues<TFault>();

    /// <summary>The <c>Retry-After</c> seconds a too-many-requests fault sends.</summary>
    public int RetryAfterSeconds
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1;

    /// <summary>How long a slow fault waits before the normal answer.</summary>
    public TimeSpan SlowDelay
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(3);

    /// <summary>Probability (0..1) that a request finding the queue empty gets a random fault.</summary>
    public double RandomFaultRate
    {
        get { lock (_gate) { return _randomFaultRate; } }
        set
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "RandomFaultRate must be between 0 and 1.");
            }
            lock (_gate) { _randomFaultRate = value; }
        }
    }

    /// <summary>Kinds a random fault is drawn from (uniformly); all kinds by default.</summary>
    public IReadOnlyList<TFault> RandomKinds
    {
        get { lock (_gate) { return _randomKinds; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            TFault[] kinds = [.. value];
            if (kinds.Length == 0)
            {
                throw new ArgumentException("RandomKinds must name at least one fault.", nameof(value));
            }
            Array.ForEach(kinds, EnsureDefined);
            lock (_gate) { _randomKinds = kinds; }
        }
    }

    /// <summary>Faults still queued, in the order they will be served.</summary>
    public IReadOnlyList<TFault> Pending
    {
        get { lock (_gate) { return _queue.ToArray(); } }
    }

    /// <summary>The next <paramref name="count"/> requests get <paramref name="kind"/> (after what is already queued).</summary>
    public void Enqueue(TFault kind, int count = 1)
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

    /// <summary>The fault for the request being served, if any.</summary>
    internal TFault? TakeNext()
    {
        lock (_gate)
        {
            if (_queue.TryDequeue(out var queued))
            {
                return queued;
            }
            // The random sequence is only consumed while random faults are on, so switching them is reproducible.
            return _randomFaultRate > 0 && _random.Chance(_randomFaultRate) ? _random.Pick(_randomKinds) : null;
        }
    }

    private static void EnsureDefined(TFault kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault kind.");
        }
    }
}
