namespace CdrFunctions.Pipeline.Model;

/// <summary>What a vendor parser yields for each record of a raw file: a call, or a quarantine entry.</summary>
public readonly record struct ParseResult
{
    private ParseResult(CallRecord? record, Quarantined? quarantined)
    {
        Record = record;
        Quarantined = quarantined;
    }

    public CallRecord? Record { get; }
    public Quarantined? Quarantined { get; }

    public static ParseResult Ok(CallRecord record) => new(record, null);

    public static ParseResult Bad(Quarantined entry) => new(null, entry);
}

/// <summary>
/// A record (or a whole file, when <see cref="FileLevel"/> is set) that could not become a call.
/// <paramref name="Position"/> says where, in the vendor's own terms (page/index, line, byte offset);
/// <paramref name="Raw"/> is the offending text, capped, so the row can be fixed and replayed.
/// </summary>
public sealed record Quarantined(string Position, string Reason, string? Raw = null, bool FileLevel = false)
{
    public const int MaxRawChars = 8192;

    public static string Cap(string raw) =>
        raw.Length <= MaxRawChars ? raw : string.Concat(raw.AsSpan(0, MaxRawChars), "…(truncated)");
}
