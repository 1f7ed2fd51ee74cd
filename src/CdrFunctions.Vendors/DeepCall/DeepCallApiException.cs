using System.Globalization;
using CdrFunctions.Pipeline.Resilience;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>The error codes DeepCall documents; they arrive inside HTTP 200 as <c>{"status":"error","code":N}</c>.</summary>
public enum DeepCallErrorCode
{
    Unknown = 0,
    InvalidParameters = 1000,
    SomethingWentWrong = 1009,
    DatabaseUnavailable = 1010,
    InvalidToken = 1014,
    PermissionDenied = 1015,
    InvalidRequestData = 1047,
}

/// <summary>
/// A DeepCall error envelope. 1009/1010 are the vendor's own transient failures and are retried; the other
/// codes say what to fix (credentials, permission, request) and are not.
/// </summary>
public sealed class DeepCallApiException(DeepCallErrorCode code, int rawCode, string message)
    : VendorApiException(DeepCallVendor.VendorName, message, retryable: code is DeepCallErrorCode.SomethingWentWrong or DeepCallErrorCode.DatabaseUnavailable)
{
    public DeepCallErrorCode Code { get; } = code;

    /// <summary>The number DeepCall sent (also for codes it does not document).</summary>
    public int RawCode { get; } = rawCode;

    /// <param name="vendorMessage">DeepCall's own text, already masked.</param>
    /// <param name="endpoint">The path asked, for the operator.</param>
    public static DeepCallApiException FromEnvelope(int rawCode, string? vendorMessage, string endpoint)
    {
        var code = Enum.IsDefined(typeof(DeepCallErrorCode), rawCode) ? (DeepCallErrorCode)rawCode : DeepCallErrorCode.Unknown;
        var cause = code switch
        {
            DeepCallErrorCode.InvalidParameters => "invalid parameters: the request was rejected (check the call id, or the Vendors:DeepCall:List field names and DateFormat against the account's DeepCall docs)",
            DeepCallErrorCode.InvalidToken => "invalid or expired token: check Vendors:DeepCall:UserId and Token (or renew the Ssid)",
            DeepCallErrorCode.PermissionDenied => "permission denied: the DeepCall user lacks the LIST_CALL_LOG permission (an admin must grant it)",
            DeepCallErrorCode.InvalidRequestData => "invalid request data: DeepCall read the request body as empty or malformed",
            DeepCallErrorCode.SomethingWentWrong => "something went wrong on DeepCall's side (transient)",
            DeepCallErrorCode.DatabaseUnavailable => "DeepCall's database is not available (transient)",
            _ => "an undocumented error code",
        };
        var text = string.IsNullOrWhiteSpace(vendorMessage) ? "" : $" (\"{vendorMessage}\")";
        return new DeepCallApiException(code, rawCode, string.Create(CultureInfo.InvariantCulture, $"{endpoint}: error {rawCode}, {cause}{text}"));
    }
}
