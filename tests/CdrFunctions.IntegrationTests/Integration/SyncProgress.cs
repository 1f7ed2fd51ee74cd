using CdrFunctions.Pipeline.Pull;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// A pull's progress taken on the runner's thread, one report at a time (concurrent windows report from several):
/// <see cref="Progress{T}"/> would post them to the thread pool, to arrive after the run returned.
/// </summary>
internal sealed class SyncProgress(Action<PullProgress> report) : IProgress<PullProgress>
{
    private readonly Lock _gate = new();

    public void Report(PullProgress value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
