using System.ComponentModel.DataAnnotations;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>Resilience settings of a vendor's HTTP client (<c>Vendors:{Vendor}:Http:...</c>).</summary>
public sealed class VendorHttpOptions : IValidatableObject
{
    /// <summary>One request, including reading the body.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>All attempts of one request together, including waits between them.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>First backoff; doubles per attempt, with jitter. A vendor's Retry-After wins when present.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The circuit opens when this share of requests failed within <see cref="SamplingDuration"/>.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.8;

    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 20;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Requests the vendor allows, e.g. <c>5/1s</c> or <c>3/60s,9/15m</c> (every limit holds; <c>none</c> = unlimited).
    /// Shared by all windows and clients of the vendor in this process; 429s slow it down further.
    /// The default is conservative for vendors that document no limit.
    /// </summary>
    public string RateLimit { get; set; } = DefaultRateLimit;

    public const string DefaultRateLimit = "5/1s";

    /// <summary>The largest response body read from the vendor; a larger one fails that request (not retried).</summary>
    public long MaxResponseBytes { get; set; } = ResponseSizeLimit.DefaultMaxBytes;

    /// <summary>
    /// A copy whose timeouts also cover <paramref name="wait"/> before each attempt (a rate limiter inside
    /// the retry loop waits there, and that wait must not count as a slow vendor).
    /// </summary>
    public VendorHttpOptions AllowingWaitPerAttempt(TimeSpan wait)
    {
        var copy = (VendorHttpOptions)MemberwiseClone();
        copy.AttemptTimeout += wait;
        copy.TotalTimeout += wait * (Math.Max(MaxRetries, 0) + 1);
        return copy;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult("Http:AttemptTimeout must be positive and Http:TotalTimeout at least as long.", [nameof(AttemptTimeout), nameof(TotalTimeout)]);
        }
        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Http:RetryBaseDelay must not be negative nor above Http:MaxRetryDelay.", [nameof(RetryBaseDelay)]);
        }
        if (RequestRateLimit.TryParseList(RateLimit, out _) is { } rateError)
        {
            yield return new ValidationResult($"Http:RateLimit: {rateError}.", [nameof(RateLimit)]);
        }
        if (MaxResponseBytes < 1024)
        {
            yield return new ValidationResult("Http:MaxResponseBytes must be at least 1024.", [nameof(MaxResponseBytes)]);
        }
        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return new ValidationResult("Http:SamplingDuration and Http:BreakDuration must be at least 0.5 s (Polly's minimum).", [nameof(SamplingDuration), nameof(BreakDuration)]);
        }
    }
}
