namespace CdrFunctions.Bench;

/// <summary>
/// <c>--loop STEP [ROUNDS]</c>: runs one CPU step over and over with nothing else in the process, so a profiler
/// (<c>dotnet-trace collect -- dotnet CdrFunctions.Bench.dll --loop engagevoice</c>) sees only that step.
/// </summary>
internal static class ProfileLoop
{
    public const string Flag = "--loop";

    public static async Task<int> RunAsync(string step, int rounds, CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<int>> run;
        switch (step)
        {
            case "alotech":
                var alotech = RawWindow.Build(RawWindow.GenerateRecords(30_000));
                run = token => CpuPipeline.ParseAsync(alotech, token);
                break;
            case "normalize":
                var window = RawWindow.Build(RawWindow.GenerateRecords(30_000));
                run = token => CpuPipeline.NormalizeCountAsync(window, token);
                break;
            case "deepcall":
                var deepCall = VendorFiles.DeepCallWindow(10_000);
                run = token => VendorParsing.ParseDeepCallAsync(deepCall, token);
                break;
            case "engagevoice":
                var engageVoice = VendorFiles.EngageVoiceReport(10_000);
                run = token => VendorParsing.ParseEngageVoiceAsync(engageVoice, token);
                break;
            default:
                await Console.Error.WriteLineAsync($"Unknown step '{step}': alotech, normalize, deepcall or engagevoice.");
                return 2;
        }
        for (var i = 0; i < rounds; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var records = await run(cancellationToken);
            Runner.Log($"{step}: {records:N0} records in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:N0} ms");
        }
        return 0;
    }
}
