using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>Tokens, the exchange limit, generated calls and the request log of one simulated account.</summary>
public sealed class EngageVoiceSimulatorState : SimulatorState<EngageVoiceFault, EngageVoiceRequestLog>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rcTokens = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _exchanges = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _segmentRequests = new(StringComparer.Ordinal);
    private long _issued;

    internal EngageVoiceSimulatorState(EngageVoiceSimulatorOptions options)
        : base(options, options.Seed)
    {
        Options = options;
        Generator = new EngageVoiceCallGenerator(options);
    }

    public EngageVoiceSimulatorOptions Options { get; }

    /// <summary>Status <c>inputControls</c> answers with; set to 403 or 500 to make discovery fail.</summary>
    public int InputControlsStatus { get; set; } = 200;

    internal EngageVoiceCallGenerator Generator { get; }

    internal DateTimeOffset Now => Options.Time.GetUtcNow();

    internal void Log(EngageVoiceEndpoint endpoint, string path, int status, EngageVoiceFault? fault = null, string? body = null) =>
        Record(new EngageVoiceRequestLog(Now, endpoint, path, status, fault, body));

    internal string IssueRingCentralToken()
    {
        var token = "rc-" + Interlocked.Increment(ref _issued).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate) { _rcTokens.Add(token); }
        return token;
    }

    internal bool IsRingCentralToken(string? token)
    {
        lock (_gate) { return token is not null && _rcTokens.Contains(token); }
    }

    /// <summary>Counts an exchange against the per-minute limit; the seconds to wait when over it.</summary>
    internal int? TakeExchangeSlot()
    {
        lock (_gate)
        {
            var now = Now;
            while (_exchanges.Count > 0 && _exchanges.Peek() <= now.AddMinutes(-1))
            {
                _exchanges.Dequeue();
            }
            if (_exchanges.Count >= Options.ExchangesPerMinute)
            {
                return Math.Max(1, (int)Math.Ceiling((_exchanges.Peek().AddMinutes(1) - now).TotalSeconds));
            }
            _exchanges.Enqueue(now);
            return null;
        }
    }

    /// <summary>
    /// Counts an interaction-metadata request of a sub-account against its rolling limits (per minute and per
    /// 15 minutes); the seconds until the oldest request of the full window leaves it when over either.
    /// </summary>
    internal int? TakeSegmentSlot(string subAccountId)
    {
        lock (_gate)
        {
            var now = Now;
            if (!_segmentRequests.TryGetValue(subAccountId, out var log))
            {
                _segmentRequests[subAccountId] = log = [];
            }
            log.RemoveAll(t => t <= now.AddMinutes(-15));
            int? wait = null;
            foreach (var (limit, window) in new[] { (Options.SegmentRequestsPerMinute, TimeSpan.FromMinutes(1)), (Options.SegmentRequestsPerQuarterHour, TimeSpan.FromMinutes(15)) })
            {
                var inWindow = log.Where(t => t > now - window).ToList();
                if (inWindow.Count >= limit)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling((inWindow[inWindow.Count - limit] + window - now).TotalSeconds));
                    wait = Math.Max(wait ?? 0, seconds);
                }
            }
            if (wait is null)
            {
                log.Add(now);
            }
            return wait;
        }
    }

    /// <summary>Every interaction-metadata segment of the ground truth that ended in <c>[fromUtc, toUtc)</c>, of one sub-account.</summary>
    public IReadOnlyList<SimulatedSegment> SegmentsEndingBetween(string subAccountId, DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        // A call lasts under an hour (queue ≤ 40 s, talk ≤ 15 min), so calls that started an hour earlier may still end here.
        Generator.CallsBetween(fromUtc.AddHours(-1), toUtc, inclusiveEnd: false)
            .SelectMany(c => EngageVoiceSegmentRenderer.Segments(c, Options.SubAccountIds))
            .Where(s => s.SubAccountId == subAccountId && s.EndUtc >= fromUtc && s.EndUtc < toUtc)
            .ToList();

    /// <summary>The sub-account that serves <paramref name="call"/>'s segments.</summary>
    public string SubAccountOf(SimulatedEngageVoiceCall call) => EngageVoiceSegmentRenderer.SubAccountOf(call, Options.SubAccountIds);

    /// <summary>A response body of segments, as the endpoint serves it.</summary>
    public static string RenderSegments(IEnumerable<SimulatedSegment> segments) => EngageVoiceSegmentRenderer.Render(segments);

    /// <summary>All segments of one call, in order.</summary>
    public IReadOnlyList<SimulatedSegment> SegmentsOf(SimulatedEngageVoiceCall call) => EngageVoiceSegmentRenderer.Segments(call, Options.SubAccountIds);

    /// <summary>A new access/refresh pair; the access token is a JWT with <c>iat</c> and <c>exp</c>.</summary>
    internal (string Access, string Refresh) IssueEngageTokens()
    {
        var n = Interlocked.Increment(ref _issued);
        var expiry = Now + Options.AccessTokenLifetime;
        var payload = JsonSerializer.Serialize(new { iat = Now.ToUnixTimeSeconds(), exp = expiry.ToUnixTimeSeconds(), jti = n, sub = Options.UserId });
        var access = $"{B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{B64(payload)}.sim{n}";
        var refresh = $"refresh-{n}-{Guid.NewGuid():N}";
        lock (_gate)
        {
            _accessTokens[access] = expiry;
            _refreshTokens.Add(refresh);
        }
        return (access, refresh);
    }

    /// <summary>Refresh tokens are single-use: each refresh returns a new one.</summary>
    internal bool RedeemRefreshToken(string? token)
    {
        lock (_gate) { return token is not null && _refreshTokens.Remove(token); }
    }

    internal void ExpireAllTokens()
    {
        lock (_gate)
        {
            foreach (var key in _accessTokens.Keys.ToArray())
            {
                _accessTokens[key] = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>Null when authorized, else the 401 text Engage answers with.</summary>
    internal string? Authorize(string? xAuthToken, string? authorization)
    {
        if (xAuthToken is not null)
        {
            return xAuthToken == Options.ApiToken ? null : "Invalid API token";
        }
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "Full authentication is required to access this resource";
        }
        var token = authorization["Bearer ".Length..].Trim();
        lock (_gate)
        {
            if (!_accessTokens.TryGetValue(token, out var expiry))
            {
                return "Invalid token";
            }
            return Now >= expiry ? "Jwt is expired" : null;
        }
    }

    public IReadOnlyList<SimulatedEngageVoiceCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        Generator.CallsBetween(fromUtc, toUtc, inclusiveEnd: false).Where(c => !c.Malformed).ToList();

    public IReadOnlyList<SimulatedEngageVoiceCall> MalformedCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        Generator.CallsBetween(fromUtc, toUtc, inclusiveEnd: false).Where(c => c.Malformed).ToList();

    private static string B64(string s) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s));
}
