using System.Runtime.InteropServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// What mapping a DeepCall record read as a document (a push report, one to a file) to a <see cref="CallRecord"/>
/// shares: one guard per record, the size cap, the known fields read into <typeparamref name="TFields"/>, every other
/// field kept verbatim in extras, and bad text in a kept field repaired with a warning rather than dropping the call.
/// </summary>
internal abstract class DeepCallRecordMapper<TFields>(DeepCallOptions options)
    where TFields : struct
{
    protected DeepCallOptions Options => options;

    protected VendorClock Clock { get; } = VendorClock.ForZone(options.TimeZone);

    protected PhoneNumberNormalizer Phones { get; } = new(options.DefaultRegion);

    protected RecordWarnings Warnings { get; } = new();

    // One extras writer for the mapper's records, reset per record (its pooled buffer goes with the mapper, as a file's parse ends).
    private Utf8ExtrasWriter? _extras;

    /// <summary>Never throws for bad data: an exception quarantines the record, with the exception as the reason.</summary>
    public ParseResult Map(JsonElement rec, string position) =>
        ParseGuard.Record((Mapper: this, Rec: rec, Position: position), s => s.Mapper.MapUnguarded(s.Rec, s.Position), position, s => SafeJson.RawText(s.Rec));

    /// <summary>Reads one known field into <paramref name="fields"/> (or keeps it in extras); an error quarantines the record.</summary>
    protected abstract string? Read(JsonProperty p, string name, ref TFields fields, Utf8ExtrasWriter extras);

    /// <summary>The record from its fields, or the reason it is quarantined.</summary>
    protected abstract ParseResult Build(in TFields fields, CallExtras extras, string position, JsonElement rec);

    /// <summary>Keeps a field in extras; bad text in it is repaired with a warning rather than dropping the call.</summary>
    protected void Extra(JsonProperty p, string name, Utf8ExtrasWriter extras)
    {
        // Nearly every field: printable ASCII name and scalar as sent, copied without the framework writer's checks.
        if (extras.TryWriteVerbatim(JsonMarshal.GetRawUtf8PropertyName(p), p.Value))
        {
            return;
        }
        var writer = extras.StartProperty();
        if (SafeJson.WriteProperty(p, writer))
        {
            Warnings.Repaired(name);
        }
        extras.EndProperty();
    }

    protected static ParseResult Bad(string position, string reason, JsonElement rec) =>
        ParseResult.Bad(new Quarantined(position, reason, Quarantined.Cap(SafeJson.RawText(rec))));

    private ParseResult MapUnguarded(JsonElement rec, string position)
    {
        var size = JsonMarshal.GetRawUtf8Value(rec).Length;
        if (size > ParseGuard.MaxRecordBytes)
        {
            return ParseResult.Bad(new Quarantined(position, ParseGuard.TooLarge(size), Quarantined.Cap(SafeJson.RawText(rec))));
        }
        if (rec.ValueKind != JsonValueKind.Object)
        {
            return Bad(position, $"a call must be a JSON object, not {rec.ValueKind.ToString().ToLowerInvariant()}", rec);
        }
        var fields = new TFields();
        Warnings.Clear();
        var extras = _extras ??= new Utf8ExtrasWriter();
        extras.Start();
        foreach (var p in rec.EnumerateObject())
        {
            var name = SafeJson.Name(p, out var badName);
            if (badName)
            {
                Extra(p, name, extras);
            }
            else if (Read(p, name, ref fields, extras) is { } error)
            {
                return Bad(position, error, rec);
            }
        }
        Warnings.WriteTo(extras);
        return Build(fields, extras.ToExtras(), position, rec);
    }
}
