using CdrFunctions.Pipeline.Pull;
using Spectre.Console;

namespace CdrFunctions.Cli;

/// <summary>A progress bar on stderr for long pulls and replays; plain lines when stderr is not a terminal.</summary>
internal static class Progress
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static async Task<T> RunAsync<T>(string label, Func<IProgress<PullProgress>, Task<T>> work)
    {
        if (Console.IsErrorRedirected)
        {
            return await work(new Progress<PullProgress>()).ConfigureAwait(false);
        }
        return await Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1);
                var progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.WindowsTotal);
                    task.Value = p.WindowsDone;
                    task.Description = Describe(label, p);
                });
                return await work(progress).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Windows done of all (and running), calls landed, the vendor's current request rate, the latest window started.</summary>
    internal static string Describe(string label, PullProgress p) =>
        $"{label} {p.WindowsDone}/{p.WindowsTotal} windows"
        + (p.WindowsRunning > 0 ? $" ({p.WindowsRunning} running)" : "")
        + $", {p.Records:N0} calls, {p.RequestsPerSecond:N1} req/s"
        + (p.Current is { } w ? $", at {w.Start:yyyy-MM-dd HH:mm}Z" : "");

    /// <summary>Reports on the caller's thread, so the bar is current when the work ends.</summary>
    private sealed class SynchronousProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
