using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Cli;

/// <summary><c>cdr run</c> as a user runs it: a scheduled pull happens, the poller normalizes, the API answers, SIGINT stops it.</summary>
[Collection(AzuriteCollection.Name)]
public class CdrRunTests
{
    private const string Key = "run-test-key";

    [Fact]
    public async Task Cdr_run_pulls_on_schedule_normalizes_serves_the_api_and_stops_on_ctrl_c()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var port = FreePort();
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-3);
        var env = AlotechHarness.Settings(storage, simulator, new Dictionary<string, string?>
        {
            ["Vendors:Alotech:Schedule"] = "*/2 * * * * *",
            ["Vendors:Alotech:StartFrom"] = start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["Run:Url"] = $"http://127.0.0.1:{port}",
            ["Run:ApiKey"] = Key,
            ["Run:PollInterval"] = "00:00:00.500",
        }).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value ?? "");

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cdr.dll"));
        info.ArgumentList.Add("run");
        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }
        using var process = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/") };
            client.DefaultRequestHeaders.Add(CdrApiRoutes.KeyHeader, Key);
            var call = simulator.ValidCallsBetween(start, start.AddHours(1)).First(c => c.Answered);

            // The call is found only after a scheduled pull landed its window and the poller normalized the blob.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpStatusCode? last = null;
            while (DateTime.UtcNow < deadline && last != HttpStatusCode.OK)
            {
                await Task.Delay(500);
                try
                {
                    using var response = await client.GetAsync($"calls/alotech/{call.Key}");
                    last = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }
            Assert.True(last == HttpStatusCode.OK, $"last status {last}; stderr:\n{stderr}");
            Assert.Contains(simulator.Requests, r => r.QueryValue("function") == "reportsCDRLogs");

            using (var status = await client.GetAsync("status"))
            {
                Assert.Equal(HttpStatusCode.OK, status.StatusCode);
                Assert.Contains("\"checkpoint\":\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var anonymous = new HttpClient())
            using (var denied = await anonymous.GetAsync($"http://127.0.0.1:{port}/api/status"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            }

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("cdr run: stopped.", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Cdr_status_prints_a_row_per_vendor()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var r = await CdrProcess.RunAsync(new Dictionary<string, string> { ["CdrStorage"] = storage }, "status");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("alotech", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("off", r.Stdout, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
