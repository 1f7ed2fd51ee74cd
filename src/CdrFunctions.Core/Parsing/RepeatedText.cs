namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Texts a file repeats in every record (agents, queues): each distinct text is made once and shared by the records
/// that hold it, so a window's records, held until its rows are written, carry one copy of an agent's name instead
/// of one a call. Unlike <see cref="RecentStrings"/> (a field's last few values, for values that repeat row after row),
/// it keeps every distinct text, as agents interleave; bounded: past <see cref="Capacity"/> distinct texts, new ones
/// are made as usual. One per parser.
/// </summary>
public sealed class RepeatedText
{
    public const int Capacity = 4096;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public RepeatedText() => _lookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared string equal to <paramref name="text"/>.</summary>
    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out var known))
        {
            return known;
        }
        var made = text.ToString();
        if (_known.Count < Capacity)
        {
            _known.Add(made);
        }
        return made;
    }
}
