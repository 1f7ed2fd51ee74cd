using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>How a simulated DeepCall account behaves. Field names default to the connector's defaults.</summary>
public sealed class DeepCallSimulatorOptions : SimulatorOptions
{
    /// <summary>Same seed, same calls: ground truth for tests.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Calls generated per UTC hour (whole number, at random seconds of the hour).</summary>
    public int CallsPerHour { get; set; } = 12;

    public string UserId { get; set; } = "29791451";

    /// <summary>The token the account accepts with <see cref="UserId"/>.</summary>
    public string Token { get; set; } = "sim-deepcall-token-5f0c2a9e";

    /// <summary>A session id the account accepts instead of userId + token; null = none.</summary>
    public string? Ssid { get; set; }

    /// <summary>Answer list and count requests with error 1015 (the user lacks LIST_CALL_LOG).</summary>
    public bool DenyListPermission { get; set; }

    /// <summary>The list serves at most this many calls per page, whatever was asked (a silent cap).</summary>
    public int MaxPageSize { get; set; } = 10_000;

    /// <summary>Added to the count endpoint's answer, to make it disagree with the list.</summary>
    public int CountOffset { get; set; }

    /// <summary>Answer the count endpoint with error 1000, as an account without it might.</summary>
    public bool CountUnavailable { get; set; }

    public string FromField { get; set; } = "startDate";
    public string ToField { get; set; } = "endDate";
    public string DateFormat { get; set; } = "yyyy-MM-dd HH:mm:ss";
    public string PageField { get; set; } = "page";
    public string PageSizeField { get; set; } = "pageSize";

    internal DeepCallSimulatorOptions Clone() => (DeepCallSimulatorOptions)MemberwiseClone();
}
