using CdrFunctions.Vendors.DeepCall;

namespace CdrFunctions.Tests.Vendors.DeepCall;

public class DeepCallErrorTests
{
    [Theory]
    [InlineData(1000, DeepCallErrorCode.InvalidParameters, false, "invalid parameters")]
    [InlineData(1014, DeepCallErrorCode.InvalidToken, false, "Token")]
    [InlineData(1015, DeepCallErrorCode.PermissionDenied, false, "LIST_CALL_LOG")]
    [InlineData(1047, DeepCallErrorCode.InvalidRequestData, false, "empty or malformed")]
    [InlineData(1009, DeepCallErrorCode.SomethingWentWrong, true, "transient")]
    [InlineData(1010, DeepCallErrorCode.DatabaseUnavailable, true, "database")]
    [InlineData(4242, DeepCallErrorCode.Unknown, false, "undocumented")]
    public void Envelope_codes_are_typed_and_only_the_transient_ones_retried(int raw, DeepCallErrorCode code, bool retryable, string cause)
    {
        var e = DeepCallApiException.FromEnvelope(raw, "vendor says no", "/api/v2/callreport/list/");
        Assert.Equal(code, e.Code);
        Assert.Equal(raw, e.RawCode);
        Assert.Equal(retryable, e.Retryable);
        Assert.Contains(cause, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("deepcall: /api/v2/callreport/list/: error ", e.Message);
        Assert.Contains("vendor says no", e.Message);
    }
}
