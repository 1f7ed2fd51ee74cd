using System.Text.Json;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Reads an <c>inputControls</c> response. Its shape is undocumented: groups are objects with <c>groupId</c> and
/// <c>children</c> objects with <c>objId</c>, wherever they sit. Null when the text is not JSON.
/// </summary>
public static class EngageVoiceInputControls
{
    public static EngageVoiceReportIds.Criteria? Read(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var groups = new List<long?>();
            var ids = new List<long?>();
            Walk(doc.RootElement, groups, ids);
            return new EngageVoiceReportIds.Criteria(groups.Distinct().ToList(), ids.Distinct().ToList());
        }
    }

    private static void Walk(JsonElement e, List<long?> groups, List<long?> ids)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Walk(item, groups, ids);
            }
            return;
        }
        if (e.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (e.TryGetProperty("groupId", out var g) && e.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            groups.Add(g.ValueKind == JsonValueKind.Number && g.TryGetInt64(out var gid) ? gid : null);
            foreach (var child in children.EnumerateArray())
            {
                if (child.ValueKind == JsonValueKind.Object && child.TryGetProperty("objId", out var o) && o.TryGetInt64(out var oid))
                {
                    ids.Add(oid);
                }
            }
            return;
        }
        foreach (var p in e.EnumerateObject())
        {
            Walk(p.Value, groups, ids);
        }
    }
}
