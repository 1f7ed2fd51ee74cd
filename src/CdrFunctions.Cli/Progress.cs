using CdrFunctions.Pipeline.Pull;
using Spectre.Console;

namespace CdrFunctions.Cli;

/// <summary>A progress bar on stderr for long pulls and replays; plain lines when stderr is not a terminal.</summary>
internal static class Progress
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static async Task<T> RunAsync<T>(ProgressLine line, Func<IProgress<PullProgress>, Task<T>> work)
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
                var task = ctx.AddTask(line.Label, maxValue: 1);
                var progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.WindowsTotal);
                    task.Value = p.WindowsDone;
                    task.Description = line.Describe(p);
                });
                return await work(progress).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Reports on the caller's thread, so the bar is current when the work ends.</summary>
    private sealed class SynchronousProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
