namespace CdrFunctions.Simulators.Common;

/// <summary>Faults a simulator serves to its next requests, first in first out; safe to use from tests and requests at once.</summary>
public sealed class FaultQueue<TFault>
    where TFault : struct, Enum
{
    private readonly Lock _gate = new();
    private readonly Queue<TFault> _queue = new();

    public IReadOnlyList<TFault> Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.ToArray();
            }
        }
    }

    public void Enqueue(TFault kind, int count = 1)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault kind.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _queue.Enqueue(kind);
            }
        }
    }

    public TFault? TakeNext()
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out var fault) ? fault : null;
        }
    }
}
