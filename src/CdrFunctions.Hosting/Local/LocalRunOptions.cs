using System.ComponentModel.DataAnnotations;

namespace CdrFunctions.Pipeline.Local;

/// <summary>Settings of <c>cdr run</c> (section <c>Run</c>).</summary>
public sealed class LocalRunOptions
{
    public const string Section = "Run";

    /// <summary>How often <c>cdr-raw</c> is scanned for new or changed blobs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failed normalizations of one blob version before the poller gives up on it until the blob changes (the
    /// local stand-in for the blob trigger's retry count and poison queue); other blobs are scanned on regardless.
    /// </summary>
    [Range(1, 100)]
    public int MaxNormalizeAttempts { get; set; } = DefaultMaxNormalizeAttempts;

    public const int DefaultMaxNormalizeAttempts = 5;

    /// <summary>The key the API expects in <c>x-functions-key</c>; a random one is made (and printed) when empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Where the API listens; the Functions Core Tools default, so the same URLs work against both.</summary>
    public string Url { get; set; } = "http://localhost:7071";
}
