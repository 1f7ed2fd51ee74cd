using System.Text.Json;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// What a parser repaired or dropped in a record it still emits (a bad byte in a pass-through field, a date
/// out of range): kept on the record as <c>extras._warnings</c>, so the table, the curated file and the API
/// all show it. One instance per parser, cleared per record.
/// </summary>
public sealed class RecordWarnings
{
    public const string ExtrasKey = "_warnings";

    private static readonly Utf8ExtrasWriter.Key EncodedKey = Utf8ExtrasWriter.Name(ExtrasKey);

    private readonly List<string> _items = [];

    public int Count => _items.Count;

    public void Clear() => _items.Clear();

    public void Add(string warning) => _items.Add(warning);

    public void Repaired(string field) => Add($"field '{field}' held invalid UTF-8 or a lone surrogate; replaced with U+FFFD");

    /// <summary>Writes the warnings into the open extras object (nothing when there are none).</summary>
    public void WriteTo(Utf8JsonWriter extras)
    {
        if (_items.Count == 0)
        {
            return;
        }
        extras.WriteStartArray(ExtrasKey);
        foreach (var w in _items)
        {
            extras.WriteStringValue(w);
        }
        extras.WriteEndArray();
    }

    /// <summary>As <see cref="WriteTo(Utf8JsonWriter)"/>, for parsers that write extras with <see cref="Utf8ExtrasWriter"/>.</summary>
    public void WriteTo(Utf8ExtrasWriter extras)
    {
        if (_items.Count > 0)
        {
            extras.WriteStrings(EncodedKey, _items);
        }
    }
}
