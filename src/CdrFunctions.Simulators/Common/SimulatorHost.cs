using System.Collections.Concurrent;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.Common;

/// <summary>The pace every simulated API can be given: a request rate limit and a latency.</summary>
public abstract class SimulatorOptions
{
    /// <summary>Requests the simulated API answers per <see cref="RateLimitPeriod"/>; beyond that 429 with Retry-After. 0 = no limit.</summary>
    public int RateLimit { get; set; }

    public TimeSpan RateLimitPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Added to every API answer (a distant vendor's round trip).</summary>
    public TimeSpan Latency { get; set; }
}

/// <summary>What every simulated account has besides its calls: its pace, its faults and the requests it received.</summary>
public abstract class SimulatorState<TFault, TLog>
    where TFault : struct, Enum
{
    private readonly ConcurrentQueue<TLog> _requests = new();

    private protected SimulatorState(SimulatorOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        Pacing = new RequestPacer { RateLimit = options.RateLimit, RateLimitPeriod = options.RateLimitPeriod, Latency = options.Latency };
        Faults = new FaultQueue<TFault>(seed);
    }

    /// <summary>The API's rate limit and latency (from the options; adjustable while running).</summary>
    public RequestPacer Pacing { get; }

    public FaultQueue<TFault> Faults { get; }

    /// <summary>Snapshot of every request received so far, oldest first.</summary>
    public IReadOnlyList<TLog> Requests => _requests.ToArray();

    internal void Record(TLog entry) => _requests.Enqueue(entry);
}

/// <summary>A simulator's state served on 127.0.0.1 with a free port, behind the vendor's routes (<see cref="Map"/>).</summary>
public abstract class SimulatorHost<TState, TFault, TLog> : IAsyncDisposable
    where TState : SimulatorState<TFault, TLog>
    where TFault : struct, Enum
{
    private LocalServer? _server;

    private protected SimulatorHost(TState state) => State = state;

    /// <summary>Root of the simulated API, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseUrl => _server?.BaseUrl ?? throw new InvalidOperationException("The simulator has not started.");

    public TState State { get; }

    public FaultQueue<TFault> Faults => State.Faults;

    public IReadOnlyList<TLog> Requests => State.Requests;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The vendor's routes; those its rate limit and latency apply to go through <c>State.Pacing.Wrap</c>.</summary>
    private protected abstract void Map(IEndpointRouteBuilder endpoints);

    private protected static async Task<THost> ServeAsync<THost>(THost host, CancellationToken cancellationToken)
        where THost : SimulatorHost<TState, TFault, TLog>
    {
        host._server = await LocalKestrel.StartAsync(host.Map, cancellationToken).ConfigureAwait(false);
        return host;
    }
}
