using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CdrFunctions.Simulators.Azurite;

/// <summary>What a starting Azurite prints: the ports it reports listening on, and the start of each stream for errors.</summary>
internal sealed partial class AzuriteOutput
{
    private const int KeptChars = 64 * 1024;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allListening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when Blob, Queue and Table have each reported their port.</summary>
    public Task AllListening => _allListening.Task;

    public (int Blob, int Queue, int Table) Ports
    {
        get
        {
            lock (_ports)
            {
                return (_ports["Blob"], _ports["Queue"], _ports["Table"]);
            }
        }
    }

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdout, readPorts: true);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr, readPorts: false);
    }

    /// <summary>Both streams as kept, for an error message.</summary>
    public string Describe()
    {
        return "stderr: " + Text(_stderr) + Environment.NewLine + "stdout: " + Text(_stdout);

        static string Text(StringBuilder sb)
        {
            lock (sb)
            {
                var text = sb.ToString().Trim();
                return text.Length == 0 ? "(empty)" : text;
            }
        }
    }

    private void OnLine(string? line, StringBuilder kept, bool readPorts)
    {
        if (line is null)
        {
            return;
        }
        lock (kept)
        {
            if (kept.Length < KeptChars)
            {
                kept.AppendLine(line);
            }
        }
        var match = readPorts ? ListeningLine().Match(line) : Match.Empty;
        if (match.Success && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            lock (_ports)
            {
                _ports[match.Groups["service"].Value] = port;
                if (_ports.Count == 3)
                {
                    _allListening.TrySetResult();
                }
            }
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s]*:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
