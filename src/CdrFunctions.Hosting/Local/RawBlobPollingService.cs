using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Local;

/// <summary><c>cdr run</c>'s blob trigger: a <see cref="RawBlobPoller"/> scan every <see cref="LocalRunOptions.PollInterval"/>.</summary>
public sealed class RawBlobPollingService(RawBlobPoller poller, IOptions<LocalRunOptions> options, TimeProvider time, ILogger<RawBlobPollingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await poller.ScanAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Raw blob scan failed; retrying in {Interval}", options.Value.PollInterval);
                await Task.Delay(options.Value.PollInterval, time, CancellationToken.None).WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
