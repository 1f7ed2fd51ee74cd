using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Polly v8 pipelines shared by the vendor clients. HTTP level: total timeout → retry (exponential
/// backoff with jitter, honouring Retry-After, on 408/429/5xx, network errors and attempt timeouts) →
/// circuit breaker → attempt timeout. Body level: vendors that report errors inside HTTP 200 get a second
/// retry around the parsed response, driven by <see cref="VendorApiException.Retryable"/>.
/// </summary>
public static class VendorResilience
{
    /// <param name="pipeline">Names the pipeline when a vendor has more than one client (<c>{vendor}-{pipeline}</c>).</param>
    /// <param name="retryTooManyRequests">
    /// False for APIs with documented per-key limits that we keep ourselves: a 429 there is handed to the
    /// caller (which pauses the key and stops the run) instead of being retried into more 429s.
    /// </param>
    public static IHttpClientBuilder AddVendorResilience(this IHttpClientBuilder builder, string vendor, Func<IServiceProvider, VendorHttpOptions> options, string pipeline = "http", bool retryTooManyRequests = true)
    {
        // The default HttpClient logging writes request URIs, and some vendors take credentials in the query.
        builder.RemoveAllLoggers();
        builder.AddResilienceHandler($"{vendor}-{pipeline}", (resilience, context) =>
        {
            var o = options(context.ServiceProvider);
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger($"CdrFunctions.Vendors.{vendor}.Http");
            var retries = context.ServiceProvider.GetRequiredService<VendorRetries>();
            // Network waits run on the wall clock, whatever clock the pipeline's schedule uses.
            resilience.TimeProvider = TimeProvider.System;
            resilience
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = o.TotalTimeout })
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                    ShouldHandle = o.MaxRetries == 0 ? static _ => ValueTask.FromResult(false)
                        : retryTooManyRequests ? new HttpRetryStrategyOptions().ShouldHandle
                        : args => args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests ? ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle(args),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.RetryBaseDelay,
                    MaxDelay = o.MaxRetryDelay,
                    ShouldRetryAfterHeader = true,
                    OnRetry = args =>
                    {
                        retries.Record(vendor);
                        // One line per attempt at Information; the run's summary line counts the retries.
                        logger.LogInformation("{Vendor}: attempt {Attempt} failed ({Reason}); retrying in {Delay}",
                            vendor, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                        return default;
                    },
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = o.FailureRatio,
                    MinimumThroughput = o.MinimumThroughput,
                    SamplingDuration = o.SamplingDuration,
                    BreakDuration = o.BreakDuration,
                    OnOpened = args =>
                    {
                        logger.LogError("{Vendor}: circuit opened for {Duration} after repeated failures ({Reason})", vendor, args.BreakDuration, Describe(args.Outcome));
                        return default;
                    },
                })
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = o.AttemptTimeout });
        });
        // Inside the retries: an oversized body is not retried (VendorApiException), and every client of the vendor is capped.
        builder.AddHttpMessageHandler(sp => new ResponseSizeLimitHandler(vendor, options(sp).MaxResponseBytes));
        return builder;
    }

    /// <summary>Retries whole requests whose body said "error" in a retryable way.</summary>
    public static ResiliencePipeline BodyRetryPipeline(string vendor, VendorHttpOptions o, VendorRetries retries, ILogger logger) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                ShouldHandle = o.MaxRetries == 0
                    ? static _ => ValueTask.FromResult(false)
                    : new PredicateBuilder().Handle<VendorApiException>(e => e.Retryable),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.MaxRetryDelay,
                OnRetry = args =>
                {
                    retries.Record(vendor);
                    logger.LogInformation("{Vendor}: attempt {Attempt} returned an error body ({Reason}); retrying in {Delay}",
                        vendor, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                    return default;
                },
            })
            .Build();

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } r ? $"HTTP {(int)r.StatusCode} {(r.StatusCode == HttpStatusCode.TooManyRequests ? "throttled" : r.ReasonPhrase)}"
        : outcome.Exception is { } e ? $"{e.GetType().Name}: {e.Message}"
        : "unknown";
}
