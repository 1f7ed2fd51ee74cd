using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// The calls of one curated file, held as keys: the start that keys each call and its id (the file's order), and the
/// record only when it did not come from the normalizing blob's own <see cref="CallRecordStore"/>. Records are read
/// back a chunk at a time, in the file's order, as the files are written.
/// </summary>
public sealed class CuratedCalls(CallRecordStore? store)
{
    /// <summary>Records read back from the store at a time: enough for the file's reads to be few, small against a window.</summary>
    private const int ChunkSize = 1_000;

    // Sized for a file that owns the calls it holds, the usual case: the list is not grown through the large object heap.
    private readonly List<Key> _keys = new(store?.Count ?? 0);
    private bool _sorted;

    public int Count => _keys.Count;

    /// <summary>Adds a call; <paramref name="record"/> null means "the store's record of this id".</summary>
    public void Add(string callId, DateTimeOffset keyStart, CallRecord? record)
    {
        if (record is null && store?.Contains(callId) != true)
        {
            throw new ArgumentException($"The record of call {callId} is neither given nor in the store.", nameof(record));
        }
        _keys.Add(new Key(keyStart, callId, record));
        _sorted = false;
    }

    public static CuratedCalls Of(IEnumerable<CallClaim> claims)
    {
        var calls = new CuratedCalls(null);
        foreach (var claim in claims)
        {
            calls.Add(claim.Record.CallId, claim.KeyStart, claim.Record);
        }
        return calls;
    }

    /// <summary>The records, ordered by the start that keys them, then by id (ordinal).</summary>
    public IEnumerable<CallRecord> Records()
    {
        if (!_sorted)
        {
            _keys.Sort(static (a, b) => a.KeyStart != b.KeyStart ? a.KeyStart.CompareTo(b.KeyStart) : string.CompareOrdinal(a.CallId, b.CallId));
            _sorted = true;
        }
        var unread = new List<string>(ChunkSize);
        for (var first = 0; first < _keys.Count; first += ChunkSize)
        {
            var end = Math.Min(first + ChunkSize, _keys.Count);
            unread.Clear();
            for (var i = first; i < end; i++)
            {
                if (_keys[i].Record is null)
                {
                    unread.Add(_keys[i].CallId);
                }
            }
            // Read in the chunk's order, so each record is the next one read (Add made sure the store holds them; without
            // a store every record was given).
            var read = store is null ? [] : store.GetEach(unread);
            var next = 0;
            for (var i = first; i < end; i++)
            {
                yield return _keys[i].Record ?? read[next++]!;
            }
        }
    }

    private readonly record struct Key(DateTimeOffset KeyStart, string CallId, CallRecord? Record);
}
