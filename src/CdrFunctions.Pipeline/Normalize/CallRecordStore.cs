using System.Buffers;
using System.Runtime.InteropServices;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// The calls of one raw file by id, for one normalization: the first <see cref="NormalizeOptions.RecordsInMemory"/>
/// records in memory, the rest in a temporary file (<see cref="CallRecordCodec"/>), with only their keys (id, key
/// start, where the record is) in memory. A later copy of an id replaces the earlier one. Disposing deletes the file; a
/// process that dies leaves only that file behind, never storage state.
/// </summary>
/// <remarks>
/// Records are added by one thread; once they are all added, any number of threads may read. The file is read and
/// written synchronously: it is a local file this normalization just wrote, so its pages are
/// in the operating system's cache and a read is a copy that takes about a microsecond; an asynchronous file call
/// would cost several times that in dispatch, for every record of a large window.
/// </remarks>
public sealed class CallRecordStore : IDisposable
{
    /// <summary>Records a little apart in the file are read with one call rather than one call each.</summary>
    private const int MaxGap = 16 * 1024;
    private const int MaxReadBytes = 1024 * 1024;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int _recordsInMemory;
    private readonly string _folder;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Lock _flushGate = new();
    private FileStream? _file;
    private bool _unflushed;
    private bool _disposed;
    private int _inMemory;

    public CallRecordStore(int recordsInMemory, string folder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recordsInMemory);
        _recordsInMemory = recordsInMemory;
        _folder = folder;
    }

    /// <summary>Calls held (each id once).</summary>
    public int Count => _entries.Count;

    /// <summary>Calls whose record is in the temporary file rather than in memory.</summary>
    public int Spilled => _entries.Count - _inMemory;

    /// <summary>The temporary file, once a record was spilled; gone after <see cref="Dispose"/>.</summary>
    public string? SpillFile { get; private set; }

    /// <summary>The ids, in the order they were first added.</summary>
    public IReadOnlyCollection<string> Ids => _entries.Keys;

    public bool Contains(string callId) => _entries.ContainsKey(callId);

    /// <summary>The start the call's keys are built from (its start, or the file's window start when it has none).</summary>
    public DateTimeOffset KeyStartOf(string callId) => _entries[callId].KeyStart;

    /// <summary>Adds a call; returns false when its id was held already (the new record replaces the old).</summary>
    public bool Add(CallRecord record, DateTimeOffset keyStart)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var exists = _entries.TryGetValue(record.CallId, out var entry);
        if ((exists && entry.Record is not null) || (!exists && _inMemory < _recordsInMemory))
        {
            _inMemory += exists ? 0 : 1;
            _entries[record.CallId] = new Entry(keyStart, record, 0, 0);
            return !exists;
        }
        var (offset, length) = Spill(record);
        _entries[record.CallId] = new Entry(keyStart, null, offset, length);
        return !exists;
    }

    /// <summary>The record of a call held here, or null.</summary>
    public CallRecord? Get(string callId)
    {
        if (!_entries.TryGetValue(callId, out var entry))
        {
            return null;
        }
        if (entry.Record is { } record)
        {
            return record;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(entry.Length);
        try
        {
            ReadAt(entry.Offset, bytes.AsSpan(0, entry.Length));
            return CallRecordCodec.Read(bytes.AsSpan(0, entry.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The records of those of <paramref name="callIds"/> held here, by id; spilled ones read in file order.</summary>
    public Dictionary<string, CallRecord> GetMany(IEnumerable<string> callIds) => GetMany(callIds, static record => record);

    /// <summary>What <paramref name="select"/> makes of each record of <paramref name="callIds"/> held here, by id.</summary>
    public Dictionary<string, T> GetMany<T>(IEnumerable<string> callIds, Func<CallRecord, T> select)
    {
        var ids = callIds as IReadOnlyList<string> ?? [.. callIds];
        var records = GetEach(ids);
        var found = new Dictionary<string, T>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (records[i] is { } record)
            {
                found[ids[i]] = select(record);
            }
        }
        return found;
    }

    /// <summary>
    /// The record of each of <paramref name="callIds"/>, at its index (null when not held); spilled ones read in file
    /// order. For callers that go through the ids in order anyway, a lookup each cheaper than a dictionary of them.
    /// </summary>
    public CallRecord?[] GetEach(IReadOnlyList<string> callIds)
    {
        var records = new CallRecord?[callIds.Count];
        List<(int At, Entry Entry)>? spilled = null;
        for (var i = 0; i < callIds.Count; i++)
        {
            if (_entries.TryGetValue(callIds[i], out var entry))
            {
                if (entry.Record is { } record)
                {
                    records[i] = record;
                }
                else
                {
                    (spilled ??= []).Add((i, entry));
                }
            }
        }
        if (spilled is not null)
        {
            spilled.Sort((a, b) => a.Entry.Offset.CompareTo(b.Entry.Offset));
            ReadSpilled(spilled, records);
        }
        return records;
    }

    /// <summary>Reads runs of nearby records with one call each.</summary>
    private void ReadSpilled(List<(int At, Entry Entry)> spilled, CallRecord?[] into)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxReadBytes);
        try
        {
            for (var first = 0; first < spilled.Count;)
            {
                var start = spilled[first].Entry.Offset;
                var end = start + spilled[first].Entry.Length;
                var last = first;
                while (last + 1 < spilled.Count && spilled[last + 1].Entry.Offset - end <= MaxGap
                    && spilled[last + 1].Entry.Offset + spilled[last + 1].Entry.Length - start <= MaxReadBytes)
                {
                    last++;
                    end = Math.Max(end, spilled[last].Entry.Offset + spilled[last].Entry.Length);
                }
                var span = (int)(end - start) <= buffer.Length ? buffer.AsSpan(0, (int)(end - start)) : new byte[end - start];
                ReadAt(start, span);
                for (var i = first; i <= last; i++)
                {
                    var (at, entry) = spilled[i];
                    into[at] = CallRecordCodec.Read(span.Slice((int)(entry.Offset - start), entry.Length));
                }
                first = last + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private (long Offset, int Length) Spill(CallRecord record)
    {
        if (_file is null)
        {
            Directory.CreateDirectory(_folder);
            SpillFile = Path.Combine(_folder, $"cdr-normalize-{Guid.NewGuid():N}.records");
            _file = new FileStream(SpillFile, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        }
        _buffer.ResetWrittenCount();
        CallRecordCodec.Write(record, _buffer);
        var offset = _file.Position;
        _file.Write(_buffer.WrittenSpan);
        _unflushed = true;
        return (offset, _buffer.WrittenCount);
    }

    private void ReadAt(long offset, Span<byte> into)
    {
        // Reads may come from several threads at once (the resolver's buckets): the first one writes out what is buffered.
        lock (_flushGate)
        {
            if (_unflushed)
            {
                _file!.Flush();
                _unflushed = false;
            }
        }
        var read = 0;
        while (read < into.Length)
        {
            var n = RandomAccess.Read(_file!.SafeFileHandle, into[read..], offset + read);
            read += n > 0 ? n : throw new EndOfStreamException($"The record file {SpillFile} ended before a record it holds.");
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        if (SpillFile is { } path)
        {
            // DeleteOnClose already removed it where the platform supports that.
            File.Delete(path);
        }
        _entries.Clear();
        _disposed = true;
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct Entry(DateTimeOffset KeyStart, CallRecord? Record, long Offset, int Length);
}
