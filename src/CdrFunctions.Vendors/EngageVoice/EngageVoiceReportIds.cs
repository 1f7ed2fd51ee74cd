using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// The group and id arrays of the report: from configuration, or discovered once per process through
/// <c>inputControls</c> when none are configured (a failed discovery is retried by the next pull).
/// </summary>
public sealed class EngageVoiceReportIds(IOptions<EngageVoiceOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Criteria? _discovered;

    public sealed record Criteria(IReadOnlyList<long?> GroupIds, IReadOnlyList<long?> Ids);

    public async Task<Criteria> GetAsync(Func<CancellationToken, Task<Criteria>> discover, CancellationToken cancellationToken)
    {
        var (groups, ids) = options.Value.ConfiguredIds();
        if (ids.Count > 0 || groups.Count > 0)
        {
            return new Criteria(groups.Select(Read).ToList(), ids.Select(Read).ToList());
        }
        if (_discovered is { } known)
        {
            return known;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _discovered ??= await discover(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static long? Read(string text) => EngageVoiceOptions.TryReadId(text, out var id) ? id : null;
}
