using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// Reads DeepCall raw files: a landed window (<c>{"list":[pages],"detail":[responses]}</c>, a call's detail
/// wins over its list entry), a single detail response or list page (<c>{"data":...}</c>), or one push report
/// (<c>{"callId":...}</c>). A DeepCall window is small (calls of one window, a few KiB each), so the file is
/// held whole, but read forward-only: one <see cref="Utf8JsonReader"/> pass checks it as a document would and maps
/// a window's calls straight from their UTF-8 bytes, with no DOM.
/// </summary>
public sealed class DeepCallParser(DeepCallOptions options)
{
    private readonly DeepCallPushMapper _pushes = new(options);

    /// <summary>Never throws for bad data: each record is mapped in its own guard, and the file in one.</summary>
    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, CancellationToken cancellationToken) =>
        ParseGuard.FileAsync(ParseFileAsync(raw, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ParseResult> ParseFileAsync(Stream raw, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (first, stream) = await JsonFileShape.PeekAsync(raw, cancellationToken).ConfigureAwait(false);
        await using var replay = stream.ConfigureAwait(false);
        if (first == 0)
        {
            yield return FileError("the file is empty");
            yield break;
        }
        using var file = await PooledJsonFile.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        using var calls = new DeepCallCallMapper(options);
        foreach (var result in Read(file.Json, calls))
        {
            yield return result;
        }
    }

    private IEnumerable<ParseResult> Read(ReadOnlyMemory<byte> json, DeepCallCallMapper calls)
    {
        var source = json.Span;
        var window = new DeepCallWindowReader(options, calls);
        Root root;
        try
        {
            var reader = new Utf8JsonReader(source);
            reader.Read();
            root = ReadRoot(ref reader, window);
            // Whitespace may follow the file's value; anything else is bad JSON (the reader throws).
            reader.Read();
        }
        catch (JsonException e)
        {
            return [FileError($"the file is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: it may be truncated")];
        }
        if (!root.IsObject)
        {
            return [FileError("the file is not a JSON object (a DeepCall window, detail response or push report)")];
        }
        if (root.List == JsonTokenType.StartArray)
        {
            return window.Results(json);
        }
        if (root.Status.Kind == JsonTokenType.String && IsError(source, root.Status))
        {
            var code = root.Code.Kind == JsonTokenType.None ? "?" : Text(source, root.Code);
            return [ParseResult.Bad(new Quarantined("file", $"the file is a DeepCall error response (code {code})", Quarantined.Cap(Text(source, root.Whole)), FileLevel: true))];
        }
        if (root.CallId.Kind != JsonTokenType.None)
        {
            // Push reports come one to a file, from the webhook: their mapper reads a document.
            using var document = JsonDocument.Parse(json[root.Whole.Start..root.Whole.End]);
            return [_pushes.Map(document.RootElement, "push report")];
        }
        return root.Data.Kind switch
        {
            JsonTokenType.StartObject => [Map(source, root.Data, calls, DeepCallPosition.SingleDetail)],
            JsonTokenType.StartArray => PageItems(source, root.Data, calls),
            JsonTokenType.None => [FileError("the file is not a DeepCall window, detail response or push report (no 'list', 'data' or 'callId')")],
            _ => [FileError($"'data' is {Utf8Values.KindName(root.Data.Kind)}, expected a call or a list of calls")],
        };
    }

    /// <summary>
    /// Reads the file's value whole (the reader ends on its last token). A window's <c>list</c> and <c>detail</c> go to
    /// <paramref name="window"/> as they come; for the other shapes the last of each property that says the shape is noted.
    /// </summary>
    private static Root ReadRoot(ref Utf8JsonReader reader, DeepCallWindowReader window)
    {
        var root = new Root { IsObject = reader.TokenType == JsonTokenType.StartObject };
        var start = (int)reader.TokenStartIndex;
        if (!root.IsObject)
        {
            reader.Skip();
            return root;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Identify(ref reader);
            reader.Read();
            var kind = reader.TokenType;
            var valueStart = (int)reader.TokenStartIndex;
            if (name == RootProperty.List && kind == JsonTokenType.StartArray)
            {
                window.ReadList(ref reader);
            }
            else if (name == RootProperty.Detail && kind == JsonTokenType.StartArray)
            {
                window.ReadDetails(ref reader);
            }
            else
            {
                reader.Skip();
            }
            var value = new Value(kind, valueStart, (int)reader.BytesConsumed);
            switch (name)
            {
                case RootProperty.List:
                    root.List = kind;
                    break;
                case RootProperty.Detail when kind != JsonTokenType.StartArray:
                    // As a DOM lookup: the last detail counts, and one that is not an array means no details.
                    window.ClearDetails();
                    break;
                case RootProperty.Status:
                    root.Status = value;
                    break;
                case RootProperty.Code:
                    root.Code = value;
                    break;
                case RootProperty.CallId:
                    root.CallId = value;
                    break;
                case RootProperty.Data:
                    root.Data = value;
                    break;
            }
        }
        root.Whole = new Value(JsonTokenType.StartObject, start, (int)reader.BytesConsumed);
        return root;
    }

    private enum RootProperty : byte
    {
        Other, List, Detail, Status, Code, CallId, Data,
    }

    /// <summary>The root property names that say a file's shape, matched as a DOM lookup matches them.</summary>
    private static RootProperty Identify(ref Utf8JsonReader reader) =>
        Utf8Values.NameIs(ref reader, "list"u8) ? RootProperty.List
        : Utf8Values.NameIs(ref reader, "detail"u8) ? RootProperty.Detail
        : Utf8Values.NameIs(ref reader, "status"u8) ? RootProperty.Status
        : Utf8Values.NameIs(ref reader, "code"u8) ? RootProperty.Code
        : Utf8Values.NameIs(ref reader, "callId"u8) ? RootProperty.CallId
        : Utf8Values.NameIs(ref reader, "data"u8) ? RootProperty.Data
        : RootProperty.Other;

    private static bool IsError(ReadOnlySpan<byte> source, Value status)
    {
        var reader = new Utf8JsonReader(source[status.Start..status.End]);
        reader.Read();
        return Utf8Values.Decode(ref reader, out _).Trim() == "error";
    }

    private static ParseResult Map(ReadOnlySpan<byte> source, Value value, DeepCallCallMapper calls, DeepCallPosition position)
    {
        var bytes = source[value.Start..value.End];
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        return calls.Map(ref reader, bytes, position);
    }

    /// <summary>The calls of a list page file's <c>data</c> array.</summary>
    private static List<ParseResult> PageItems(ReadOnlySpan<byte> source, Value data, DeepCallCallMapper calls)
    {
        var bytes = source[data.Start..data.End];
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        var results = new List<ParseResult>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            results.Add(calls.Map(ref reader, bytes, DeepCallPosition.OfPageItem(results.Count + 1)));
        }
        return results;
    }

    private static string Text(ReadOnlySpan<byte> source, Value value) => Encoding.UTF8.GetString(source[value.Start..value.End]);

    private static ParseResult FileError(string reason) => ParseResult.Bad(new Quarantined("file", reason, FileLevel: true));

    /// <summary>A value of the file: its first token and its bytes (kind None: absent).</summary>
    private readonly record struct Value(JsonTokenType Kind, int Start, int End);

    /// <summary>What the file's value says of its shape: the last list's kind, and the last of the other shapes' properties.</summary>
    private struct Root
    {
        public bool IsObject;
        public Value Whole;
        public JsonTokenType List;
        public Value Status;
        public Value Code;
        public Value CallId;
        public Value Data;
    }
}
