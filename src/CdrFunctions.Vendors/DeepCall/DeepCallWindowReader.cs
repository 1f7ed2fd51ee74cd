using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// A landed window (<c>{"list":[pages],"detail":[responses]}</c>), noted in the one pass that checks the file:
/// each listed call and each detail response by its place in the file and its id. The calls are then mapped from
/// their bytes one at a time as they are handed out, so none outlives its turn (holding a window's calls until the
/// file was read cost more in garbage collection than reading the details twice). A call's detail wins over its list
/// entry; results come as: details that cannot be matched, the list in order (a listed call by its detail), then
/// details no listed call used. As in a DOM, the last <c>list</c> and <c>detail</c> count.
/// </summary>
internal sealed class DeepCallWindowReader(DeepCallOptions options, DeepCallCallMapper calls)
{
    private readonly byte[][] _itemsPath = [.. options.List.ItemsPath.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetBytes)];
    private readonly byte[] _idField = Encoding.UTF8.GetBytes(options.List.IdField);
    private readonly List<Detail> _details = [];
    private readonly List<Listed> _listed = [];

    /// <summary>Reads the <c>detail</c> array the reader stands on, noting each response's last <c>data</c> object and its clId; it ends on the array's end.</summary>
    public void ReadDetails(ref Utf8JsonReader reader)
    {
        _details.Clear();
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            index++;
            var start = (int)reader.TokenStartIndex;
            int dataStart = 0, dataEnd = 0;
            var hasData = false;
            string? id = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
            }
            else
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isData = Utf8Values.NameIs(ref reader, "data"u8);
                    reader.Read();
                    if (isData)
                    {
                        hasData = reader.TokenType == JsonTokenType.StartObject;
                        dataStart = (int)reader.TokenStartIndex;
                        id = hasData ? LastText(ref reader, "clId"u8, "clId") : null;
                    }
                    reader.Skip();
                    dataEnd = isData ? (int)reader.BytesConsumed : dataEnd;
                }
            }
            _details.Add(new Detail(index, start, (int)reader.BytesConsumed, hasData, dataStart, dataEnd, id));
        }
    }

    /// <summary>A later <c>detail</c> that is not an array: the window has no details.</summary>
    public void ClearDetails() => _details.Clear();

    /// <summary>Reads the <c>list</c> array the reader stands on, noting each page's calls; it ends on the array's end.</summary>
    public void ReadList(ref Utf8JsonReader reader)
    {
        _listed.Clear();
        var page = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            page++;
            var start = (int)reader.TokenStartIndex;
            var mark = _listed.Count;
            if (!ReadItems(ref reader, 0, page, mark))
            {
                _listed.RemoveRange(mark, _listed.Count - mark);
                _listed.Add(new Listed(page, 0, start, (int)reader.BytesConsumed, null));
            }
        }
    }

    /// <summary>
    /// Notes the calls of the array at <see cref="ListOptions.ItemsPath"/> (from <paramref name="level"/>) in the value
    /// the reader stands on; false when there is none. As a DOM lookup, the last property of a name counts.
    /// </summary>
    private bool ReadItems(ref Utf8JsonReader reader, int level, int page, int mark)
    {
        if (level == _itemsPath.Length)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return false;
            }
            _listed.RemoveRange(mark, _listed.Count - mark);
            var record = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                record++;
                var start = (int)reader.TokenStartIndex;
                var id = reader.TokenType == JsonTokenType.StartObject ? ReadId(ref reader) : null;
                reader.Skip();
                _listed.Add(new Listed(page, record, start, (int)reader.BytesConsumed, id));
            }
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = Utf8Values.NameIs(ref reader, _itemsPath[level]);
            reader.Read();
            if (match)
            {
                found = ReadItems(ref reader, level + 1, page, mark);
            }
            else
            {
                reader.Skip();
            }
        }
        return found;
    }

    private string? ReadId(ref Utf8JsonReader reader) => LastText(ref reader, _idField, options.List.IdField);

    /// <summary>
    /// The text of the last <paramref name="utf8Name"/> of the object the reader stands on (null when absent or not
    /// text), as a DOM lookup finds it; the reader ends on the object's end.
    /// </summary>
    private static string? LastText(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Name, string name)
    {
        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = Utf8Values.NameIs(ref reader, utf8Name);
            reader.Read();
            if (isName)
            {
                text = Utf8Values.Text(ref reader, name, out var value) is null ? value : null;
            }
            reader.Skip();
        }
        return text;
    }

    /// <summary>The window's results in order, mapped one at a time, once the whole file has been read.</summary>
    public IEnumerable<ParseResult> Results(ReadOnlyMemory<byte> json)
    {
        // A call's first detail by its clId, and whether a listed call used it (by the detail's place in the list).
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new bool[_details.Count];
        for (var i = 0; i < _details.Count; i++)
        {
            var detail = _details[i];
            if (!detail.HasData)
            {
                yield return ParseResult.Bad(new Quarantined($"detail {detail.Index}", "the detail response has no 'data' object", Quarantined.Cap(Text(json.Span, detail.Start, detail.End))));
            }
            else if (detail.Id is not { } id)
            {
                yield return Map(json.Span, detail.DataStart, detail.DataEnd, DeepCallPosition.OfDetail(detail.Index));
            }
            else if (byId.TryGetValue(id, out var kept))
            {
                // Never dropped silently: the first detail of a call is used, later ones are kept for review.
                yield return ParseResult.Bad(new Quarantined($"detail {detail.Index}", $"a second detail for clId {JsonValues.Clip(id)}; detail {_details[kept].Index} is used", Quarantined.Cap(Text(json.Span, detail.DataStart, detail.DataEnd))));
            }
            else
            {
                byId.Add(id, i);
            }
        }

        foreach (var listed in _listed)
        {
            if (listed.Record == 0)
            {
                yield return ParseResult.Bad(new Quarantined($"list page {listed.Page}", $"the page has no array at '{options.List.ItemsPath}'", Quarantined.Cap(Text(json.Span, listed.Start, listed.End))));
            }
            else if (listed.Id is { } id && byId.TryGetValue(id, out var i))
            {
                used[i] = true;
                var detail = _details[i];
                yield return Map(json.Span, detail.DataStart, detail.DataEnd, new DeepCallPosition(detail.Index, listed.Page, listed.Record, true));
            }
            else
            {
                yield return Map(json.Span, listed.Start, listed.End, DeepCallPosition.OfListItem(listed.Page, listed.Record));
            }
        }
        foreach (var i in byId.Values.Where(i => !used[i]).Order())
        {
            var detail = _details[i];
            yield return Map(json.Span, detail.DataStart, detail.DataEnd, DeepCallPosition.OfDetail(detail.Index));
        }
    }

    /// <summary>Maps the call at <paramref name="start"/> from its own bytes.</summary>
    private ParseResult Map(ReadOnlySpan<byte> source, int start, int end, DeepCallPosition position)
    {
        var value = source[start..end];
        var reader = new Utf8JsonReader(value);
        reader.Read();
        return calls.Map(ref reader, value, position);
    }

    private static string Text(ReadOnlySpan<byte> source, int start, int end) => Encoding.UTF8.GetString(source[start..end]);

    /// <summary>A detail response: its bytes, and its last <c>data</c> (when an object) with that object's bytes and clId.</summary>
    private readonly record struct Detail(int Index, int Start, int End, bool HasData, int DataStart, int DataEnd, string? Id);

    /// <summary>A listed call (record 0: a page without the array of calls), its bytes and its id.</summary>
    private readonly record struct Listed(int Page, int Record, int Start, int End, string? Id);
}
