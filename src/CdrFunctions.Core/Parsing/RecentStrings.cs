namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// The strings of the last few distinct UTF-8 values of one field (a queue name, a call result, the number
/// dialled): values that repeat row after row are decoded once instead of once per row. One per field and parser.
/// </summary>
public sealed class RecentStrings
{
    private const int Capacity = 8;
    private const int MaxValueBytes = 256;

    // Each slot's bytes are copied into a buffer the slot keeps: a field that never repeats (a caller's number)
    // allocates only its string.
    private readonly byte[][] _keys = new byte[Capacity][];
    private readonly int[] _lengths = new int[Capacity];
    private readonly string[] _values = new string[Capacity];
    private int _count;
    private int _next;

    /// <summary>The string of valid UTF-8 <paramref name="utf8"/>.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < _count; i++)
        {
            if (utf8.SequenceEqual(_keys[i].AsSpan(0, _lengths[i])))
            {
                return _values[i];
            }
        }
        var value = Utf8Text.Decode(utf8);
        if (utf8.Length <= MaxValueBytes)
        {
            var key = _keys[_next];
            if (key is null || key.Length < utf8.Length)
            {
                key = _keys[_next] = new byte[Math.Max(utf8.Length, 32)];
            }
            utf8.CopyTo(key);
            _lengths[_next] = utf8.Length;
            _values[_next] = value;
            _next = (_next + 1) % Capacity;
            _count = Math.Max(_count, _next == 0 ? Capacity : _next);
        }
        return value;
    }
}
