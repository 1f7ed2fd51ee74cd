// Timer functions: one per vendor, because a trigger's schedule is a compile-time attribute argument.
// Checked in Azure/azure-functions-dotnet-worker: TimerTriggerAttribute(string schedule) { UseMonitor = true },
// RunOnStartup, TimerInfo.IsPastDue (extensions/Worker.Extensions.Timer/src), namespace Microsoft.Azure.Functions.Worker.
// "%Vendors:Alotech:Schedule%": the host resolves %name% with DefaultNameResolver => IConfiguration[name]
// (azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/DefaultNameResolver.cs). The app setting
// Vendors__Alotech__Schedule reaches that configuration as the key Vendors:Alotech:Schedule (the environment
// provider turns "__" into ":"), so the colon form resolves the very setting the pipeline binds its options from,
// while %Vendors__Alotech__Schedule% would look up a key that no provider produces.
// A vendor whose code is not in this build, or that is off or unconfigured, does nothing and says so once.
using CdrFunctions.Pipeline.Pull;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

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
