using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>What the mapper does with a column's value; worked out once per file from the column's name.</summary>
internal enum EngageVoiceField { Other, Uii, EnqueueTime, DequeueTime, QueueTime, InboundDuration, ConnectedDuration, ProfileName, RecordingUrl, Ani, Dnis, CallResult, Disposition }

/// <summary>A column of the file's header (or of the seed's order), with its JSON names encoded once.</summary>
internal sealed class EngageVoiceColumn(string name)
{
    public string Name { get; } = name;

    public EngageVoiceField Field { get; } = name switch
    {
        "uii" => EngageVoiceField.Uii,
        "enqueue_time" => EngageVoiceField.EnqueueTime,
        "dequeue_time" => EngageVoiceField.DequeueTime,
        "queue_time" => EngageVoiceField.QueueTime,
        "inbound_duration" => EngageVoiceField.InboundDuration,
        "connected_duration" => EngageVoiceField.ConnectedDuration,
        "profile_name" => EngageVoiceField.ProfileName,
        "recording_url" => EngageVoiceField.RecordingUrl,
        "ani" => EngageVoiceField.Ani,
        "dnis" => EngageVoiceField.Dnis,
        "call_result" => EngageVoiceField.CallResult,
        "attempt_1_disp" or "attempt_2_disp" => EngageVoiceField.Disposition,
        _ => EngageVoiceField.Other,
    };

    /// <summary>The name in extras; none for an unnamed column (its values are not kept).</summary>
    public Utf8ExtrasWriter.Key? Encoded { get; } = name.Length > 0 ? Utf8ExtrasWriter.Name(name) : null;

    public Utf8ExtrasWriter.Key CodeName { get; } = Utf8ExtrasWriter.Name(name + "_code");

    public Utf8ExtrasWriter.Key ValueName { get; } = Utf8ExtrasWriter.Name(name + "_value");

    /// <summary>The columns of a file, named by its header or, without one, by <see cref="EngageVoiceParser.Columns"/>.</summary>
    public static EngageVoiceColumn[] Of(IEnumerable<string> names) => [.. names.Select(n => new EngageVoiceColumn(n))];
}
