using CdrFunctions.Pipeline.Pull;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

/// <summary>
/// One timer per vendor: a trigger's schedule is an attribute argument. <c>%Vendors:X:Schedule%</c> resolves the
/// same setting the vendor's options bind (the app setting <c>Vendors__X__Schedule</c>). A vendor that is off or
/// unconfigured does nothing and says so once.
/// </summary>
public sealed class PullFunctions(ScheduledPull pull)
{
    [Function("PullAlotech")]
    public Task PullAlotech([TimerTrigger("%Vendors:Alotech:Schedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        pull.RunAsync("alotech", timer.IsPastDue, cancellationToken);

    [Function("PullEngageVoice")]
    public Task PullEngageVoice([TimerTrigger("%Vendors:EngageVoice:Schedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        pull.RunAsync("engagevoice", timer.IsPastDue, cancellationToken);

    [Function("PullDeepCall")]
    public Task PullDeepCall([TimerTrigger("%Vendors:DeepCall:Schedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        pull.RunAsync("deepcall", timer.IsPastDue, cancellationToken);
}
