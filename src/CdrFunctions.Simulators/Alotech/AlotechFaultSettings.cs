using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// A partial update of <see cref="AlotechFaults"/> posted as JSON; property names are case-insensitive:
/// <c>{"randomFaultRate":0.2,"randomKinds":["ServerError"],"retryAfterSeconds":2,"slowDelay":"00:00:05",
/// "slowDelayMs":5000,"enqueue":["NonJson",{"kind":"TooManyRequests","count":3}],"clearQueue":true,"reset":false}</c>.
/// </summary>
internal sealed record AlotechFaultSettings
{
    public double? RandomFaultRate { get; private set; }
    public AlotechFault[]? RandomKinds { get; private set; }
    public int? RetryAfterSeconds { get; private set; }
    public TimeSpan? SlowDelay { get; private set; }
    public List<(AlotechFault Kind, int Count)> Enqueue { get; } = [];
    public bool ClearQueue { get; private set; }
    public bool Reset { get; private set; }

    /// <summary>Parses the whole body before anything is applied, so a bad request changes nothing.</summary>
    public static bool TryParse(JsonNode? body, [NotNullWhen(true)] out AlotechFaultSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        if (body is not JsonObject properties)
        {
            error = "Body must be a JSON object";
            return false;
        }

        var parsed = new AlotechFaultSettings();
        foreach (var (name, value) in properties)
        {
            error = parsed.Read(name, value);
            if (error is not null)
            {
                return false;
            }
        }

        settings = parsed;
        error = null;
        return true;
    }

    public static void Write(Utf8JsonWriter writer, AlotechFaults faults)
    {
        writer.WriteStartObject();
        writer.WriteNumber("randomFaultRate", faults.RandomFaultRate);
        WriteKinds(writer, "randomKinds", faults.RandomKinds);
        writer.WriteNumber("retryAfterSeconds", faults.RetryAfterSeconds);
        writer.WriteString("slowDelay", faults.SlowDelay.ToString("c", CultureInfo.InvariantCulture));
        WriteKinds(writer, "pending", faults.Pending);
        writer.WriteEndObject();
    }

    private static void WriteKinds(Utf8JsonWriter writer, string name, IEnumerable<AlotechFault> kinds)
    {
        writer.WriteStartArray(name);
        foreach (var kind in kinds)
        {
            writer.WriteStringValue(kind.ToString());
        }

        writer.WriteEndArray();
    }

    /// <summary>Applies one property; returns an error message or null.</summary>
    private string? Read(string name, JsonNode? value)
    {
        switch (name.ToUpperInvariant())
        {
            case "RANDOMFAULTRATE":
                if (!TryNumber(value, out var rate) || rate < 0 || rate > 1)
                {
                    return "randomFaultRate must be a number between 0 and 1";
                }

                RandomFaultRate = rate;
                return null;
            case "RANDOMKINDS":
                var kinds = (value as JsonArray)?.Select(item => TryKind(item, out var kind) ? kind : (AlotechFault?)null).ToList();
                if (kinds is null || kinds.Count == 0 || kinds.Contains(null))
                {
                    return "randomKinds must be a non-empty array of fault names: " + KindNames;
                }

                RandomKinds = [.. kinds.Select(kind => kind!.Value)];
                return null;
            case "RETRYAFTERSECONDS":
                if (!TryInteger(value, out var seconds) || seconds < 0)
                {
                    return "retryAfterSeconds must be a non-negative integer";
                }

                RetryAfterSeconds = seconds;
                return null;
            case "SLOWDELAY":
                if (value?.GetValueKind() != JsonValueKind.String
                    || !TimeSpan.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, out var delay)
                    || delay < TimeSpan.Zero)
                {
                    return "slowDelay must be a time span string such as \"00:00:03\"";
                }

                SlowDelay = delay;
                return null;
            case "SLOWDELAYMS":
                if (!TryInteger(value, out var milliseconds) || milliseconds < 0)
                {
                    return "slowDelayMs must be a non-negative integer";
                }

                SlowDelay = TimeSpan.FromMilliseconds(milliseconds);
                return null;
            case "ENQUEUE":
                return ReadEnqueue(value);
            case "CLEARQUEUE":
                if (!TryBoolean(value, out var clear))
                {
                    return "clearQueue must be a boolean";
                }

                ClearQueue = clear;
                return null;
            case "RESET":
                if (!TryBoolean(value, out var reset))
                {
                    return "reset must be a boolean";
                }

                Reset = reset;
                return null;
            default:
                return "Unknown property: " + name;
        }
    }

    private string? ReadEnqueue(JsonNode? value)
    {
        if (value is not JsonArray items)
        {
            return "enqueue must be an array";
        }

        foreach (var item in items)
        {
            if (TryKind(item, out var single))
            {
                Enqueue.Add((single, 1));
            }
            else if (item is JsonObject entry && TryKind(Property(entry, "kind"), out var kind))
            {
                var count = 1;
                if (Property(entry, "count") is { } countNode && (!TryInteger(countNode, out count) || count < 0))
                {
                    return "enqueue count must be a non-negative integer";
                }

                Enqueue.Add((kind, count));
            }
            else
            {
                return "enqueue items must be fault names or {\"kind\":name,\"count\":n}; names: " + KindNames;
            }
        }

        return null;
    }

    private static string KindNames => string.Join(", ", Enum.GetNames<AlotechFault>());

    private static JsonNode? Property(JsonObject entry, string name) =>
        entry.FirstOrDefault(property => string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static bool TryKind(JsonNode? node, out AlotechFault kind)
    {
        kind = default;
        if (node?.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        // Names only: Enum.TryParse would also accept numbers such as "7".
        var name = Enum.GetNames<AlotechFault>()
            .FirstOrDefault(candidate => string.Equals(candidate, node.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
        return name is not null && Enum.TryParse(name, out kind);
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node?.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out value);
    }

    private static bool TryInteger(JsonNode? node, out int value)
    {
        value = 0;
        return node?.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out value);
    }

    private static bool TryBoolean(JsonNode? node, out bool value)
    {
        value = false;
        var kind = node?.GetValueKind();
        if (kind is JsonValueKind.True or JsonValueKind.False)
        {
            value = kind == JsonValueKind.True;
            return true;
        }

        return false;
    }
}
