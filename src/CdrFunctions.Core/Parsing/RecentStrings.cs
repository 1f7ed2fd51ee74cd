namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// The strings of the last few distinct UTF-8 values of one field (a queue name, a call result, the number
/// dialled): values that repeat row after row are decoded once instead of once per row. One per field and parser.
/// </summary>
public sealed class RecentStrings
{
    private const int Capacity = 8;
    private const int MaxValueBytes = 256;

    private readonly byte[][] _keys = new byte[Capacity][];
    private readonly string[] _values = new string[Capacity];
    private int _count;
    private int _next;

    /// <summary>The string of valid UTF-8 <paramref name="utf8"/>.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < _count; i++)
        {
            if (utf8.SequenceEqual(_keys[i]))
            {
                return _values[i];
            }
        }
        var value = Utf8Text.Decode(utf8);
        if (utf8.Length <= MaxValueBytes)
        {
            _keys[_next] = utf8.ToArray();
            _values[_next] = value;
            _next = (_next + 1) % Capacity;
            _count = Math.Max(_count, _next == 0 ? Capacity : _next);
        }
        return value;
    }
}
