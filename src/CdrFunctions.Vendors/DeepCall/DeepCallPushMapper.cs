using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>A push report (DeepCall's documented webhook fields); times are <c>yyyy-MM-dd HH:mm:ss</c> in the vendor's zone.</summary>
internal sealed class DeepCallPushMapper(DeepCallOptions options) : DeepCallRecordMapper<DeepCallPushMapper.PushFields>(options)
{
    protected override ParseResult Build(in PushFields f, CallExtras extras, string position, JsonElement rec)
    {
        if (f.Id is null)
        {
            return Bad(position, "field 'callId' is empty", rec);
        }
        if (f.Start is null)
        {
            return Bad(position, "field 'ivrSTime' (the call's start) is missing or empty", rec);
        }
        var direction = DeepCallCallTypes.Direction(f.CallType);
        var customer = Phones.Normalize(f.Customer);
        var did = Phones.Normalize(f.Did);
        var outbound = direction == Pipeline.Model.CallDirection.Outbound;
        return ParseResult.Ok(new CallRecord
        {
            Vendor = DeepCallVendor.VendorName,
            CallId = f.Id,
            Direction = direction,
            FromNumber = outbound ? did : customer,
            ToNumber = outbound ? customer : did,
            StartUtc = f.Start,
            AnswerUtc = f.Answer,
            EndUtc = f.Hangup ?? f.End,
            TalkSeconds = f.Answer is null ? 0 : CallTimes.Between(f.Answer, f.Hangup),
            TotalSeconds = f.IvrDuration ?? CallTimes.Between(f.Start, f.End),
            Outcome = f.Answer is not null ? CallOutcome.Answered : DeepCallCallTypes.Unanswered(direction),
            AgentId = f.Agent,
            Extras = extras,
        });
    }

    protected override string? Read(JsonProperty p, string name, ref PushFields f, Utf8ExtrasWriter extras)
    {
        var v = p.Value;
        switch (name)
        {
            case "callId":
                return JsonValues.Text(v, "callId", out f.Id);
            case "cType":
                Extra(p, name, extras);
                return JsonValues.Text(v, "cType", out f.CallType, Warnings);
            case "cNumber":
                Extra(p, name, extras);
                return JsonValues.Text(v, "cNumber", out f.Customer, Warnings);
            case "DID":
                Extra(p, name, extras);
                return JsonValues.Text(v, "DID", out f.Did, Warnings);
            case "masterAgent":
                return JsonValues.Text(v, "masterAgent", out f.Agent, Warnings);
            case "ivrDuration":
                return JsonValues.Duration(v, "ivrDuration", out f.IvrDuration, Warnings);
            case "ivrSTime":
                return Time(v, "ivrSTime", out f.Start, null);
            case "ivrETime":
                return Time(v, "ivrETime", out f.End, Warnings);
            case "firstAnswerTime":
                return Time(v, "firstAnswerTime", out f.Answer, Warnings);
            case "lastHangupTime":
                return Time(v, "lastHangupTime", out f.Hangup, Warnings);
            default:
                Extra(p, name, extras);
                return null;
        }
    }

    private string? Time(JsonElement v, string field, out DateTimeOffset? utc, RecordWarnings? warnings) =>
        JsonValues.LocalTime(v, field, Clock, out utc, warnings);

    internal struct PushFields
    {
        public string? Id;
        public string? CallType;
        public string? Customer;
        public string? Did;
        public string? Agent;
        public int? IvrDuration;
        public DateTimeOffset? Start;
        public DateTimeOffset? End;
        public DateTimeOffset? Answer;
        public DateTimeOffset? Hangup;
    }
}
