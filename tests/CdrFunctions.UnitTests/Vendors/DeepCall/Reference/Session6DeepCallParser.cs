using System.Runtime.CompilerServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

using CdrFunctions.Vendors.DeepCall;

namespace CdrFunctions.Tests.Vendors.DeepCall.Reference;

/// <summary>
/// The DeepCall parser as it was before it read windows forward-only (main at 38da613), kept only so that
/// DeepCallForwardReadDifferentialTests can compare the two. Its own words follow.
/// Reads DeepCall raw files: a landed window (<c>{"list":[pages],"detail":[responses]}</c>, a call's detail
/// wins over its list entry), a single detail response or list page (<c>{"data":...}</c>), or one push report
/// (<c>{"callId":...}</c>). A DeepCall window is small (calls of one window, a few KiB each), so the file is
/// read as one document.
/// </summary>
internal sealed class Session6DeepCallParser(DeepCallOptions options)
{
    private readonly Session6DeepCallCallMapper _calls = new(options);
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
        JsonDocument? doc = null;
        string? error = null;
        try
        {
            doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            error = $"the file is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: it may be truncated";
        }
        if (error is not null)
        {
            yield return FileError(error);
            yield break;
        }
        using (doc)
        {
            foreach (var result in Read(doc!.RootElement))
            {
                yield return result;
            }
        }
    }

    internal IEnumerable<ParseResult> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [FileError("the file is not a JSON object (a DeepCall window, detail response or push report)")];
        }
        if (SafeJson.TryGet(root, "list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            return Window(list, SafeJson.TryGet(root, "detail", out var d) && d.ValueKind == JsonValueKind.Array ? d : null);
        }
        if (SafeJson.TryGet(root, "status", out var status) && status.ValueKind == JsonValueKind.String && JsonValues.StringOf(status) == "error")
        {
            var code = SafeJson.TryGet(root, "code", out var c) ? SafeJson.RawText(c) : "?";
            return [ParseResult.Bad(new Quarantined("file", $"the file is a DeepCall error response (code {code})", Quarantined.Cap(SafeJson.RawText(root)), FileLevel: true))];
        }
        if (SafeJson.TryGet(root, "callId", out _))
        {
            return [_pushes.Map(root, "push report")];
        }
        if (SafeJson.TryGet(root, "data", out var data))
        {
            return data.ValueKind switch
            {
                JsonValueKind.Object => [_calls.Map(data, "detail")],
                JsonValueKind.Array => data.EnumerateArray().Select((item, i) => _calls.Map(item, $"page 1, record {i + 1}")).ToList(),
                _ => [FileError($"'data' is {data.ValueKind.ToString().ToLowerInvariant()}, expected a call or a list of calls")],
            };
        }
        return [FileError("the file is not a DeepCall window, detail response or push report (no 'list', 'data' or 'callId')")];
    }

    private IEnumerable<ParseResult> Window(JsonElement pages, JsonElement? detailResponses)
    {
        var details = new Dictionary<string, (JsonElement Data, int Index)>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var response in detailResponses?.EnumerateArray() ?? default)
        {
            index++;
            if (response.ValueKind != JsonValueKind.Object || !SafeJson.TryGet(response, "data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                yield return ParseResult.Bad(new Quarantined($"detail {index}", "the detail response has no 'data' object", Quarantined.Cap(SafeJson.RawText(response))));
                continue;
            }
            if (Id(data, "clId") is { } id)
            {
                if (details.TryGetValue(id, out var kept))
                {
                    // Never dropped silently: the first detail of a call is used, later ones are kept for review.
                    yield return ParseResult.Bad(new Quarantined($"detail {index}", $"a second detail for clId {JsonValues.Clip(id)}; detail {kept.Index} is used", Quarantined.Cap(SafeJson.RawText(data))));
                    continue;
                }
                details.Add(id, (data, index));
            }
            else
            {
                yield return _calls.Map(data, $"detail {index}");
            }
        }

        var pageNumber = 0;
        foreach (var page in pages.EnumerateArray())
        {
            pageNumber++;
            if (DeepCallClient.At(page, options.List.ItemsPath) is not { ValueKind: JsonValueKind.Array } items)
            {
                yield return ParseResult.Bad(new Quarantined($"list page {pageNumber}", $"the page has no array at '{options.List.ItemsPath}'", Quarantined.Cap(SafeJson.RawText(page))));
                continue;
            }
            var record = 0;
            foreach (var item in items.EnumerateArray())
            {
                record++;
                var position = $"list page {pageNumber}, record {record}";
                if (item.ValueKind == JsonValueKind.Object && Id(item, options.List.IdField) is { } id && details.TryGetValue(id, out var detail))
                {
                    used.Add(id);
                    yield return _calls.Map(detail.Data, $"detail {detail.Index} ({position})");
                }
                else
                {
                    yield return _calls.Map(item, position);
                }
            }
        }
        foreach (var (id, detail) in details.Where(d => !used.Contains(d.Key)).OrderBy(d => d.Value.Index))
        {
            yield return _calls.Map(detail.Data, $"detail {detail.Index}");
        }
    }

    private static string? Id(JsonElement obj, string field) =>
        SafeJson.TryGet(obj, field, out var v) && JsonValues.Text(v, field, out var text) is null ? text : null;

    private static ParseResult FileError(string reason) => ParseResult.Bad(new Quarantined("file", reason, FileLevel: true));
}
