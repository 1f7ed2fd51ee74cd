using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// DeepCall call types (<c>clTy</c> in reports, <c>cType</c> in push reports) → direction. Documented types:
/// IBD inbound (a customer dials a DID); OBD outbound dialer campaign; CTC click-to-call (agent first, then
/// the customer); QC quick call; BRD broadcast; POOL pooled outbound; FLASH flash call — all outbound.
/// MASK (masked-number bridging) and anything else (e.g. the <c>OMIT</c> of a sample) are unknown.
/// </summary>
public static class DeepCallCallTypes
{
    public static CallDirection Direction(string? callType) => callType?.Trim().ToUpperInvariant() switch
    {
        "IBD" => CallDirection.Inbound,
        "OBD" or "CTC" or "QC" or "BRD" or "POOL" or "FLASH" => CallDirection.Outbound,
        _ => CallDirection.Unknown,
    };

    /// <summary>Nobody answered: an inbound call was missed, an outbound one failed.</summary>
    public static CallOutcome Unanswered(CallDirection direction) => direction switch
    {
        CallDirection.Inbound => CallOutcome.Missed,
        CallDirection.Outbound => CallOutcome.Failed,
        _ => CallOutcome.Unknown,
    };
}
