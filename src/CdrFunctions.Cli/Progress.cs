using CdrFunctions.Pipeline.Pull;
using Spectre.Console;

namespace CdrFunctions.Cli;

/// <summary>
/// Progress of long pulls and replays on stderr (stdout carries only the command's output): a bar on a terminal,
/// plain lines (<see cref="PlainProgress"/>) when stderr is a log or a pipe.
/// </summary>
internal static class Progress
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static async Task<T> RunAsync<T>(ProgressLine line, Func<IProgress<PullProgress>, Task<T>> work)
    {
        if (Console.IsErrorRedirected)
        {
            using var plain = new PlainProgress(line, Console.Error, TimeProvider.System);
            var result = await work(plain).ConfigureAwait(false);
            plain.Finish();
            return result;
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
