namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>Counts the data records of a CSV as its bytes pass: non-empty lines outside quotes, minus a header row.</summary>
internal sealed class CsvRecordCounter
{
    private static readonly byte[] HeaderStart = "cloud_profile_id"u8.ToArray();
    private readonly byte[] _firstLine = new byte[HeaderStart.Length + 3];
    private int _firstLength;
    private bool _firstLineDone;
    private bool _inQuotes;
    private bool _lineHasContent;
    private int _lines;

    public long Bytes { get; private set; }

    public int Records
    {
        get
        {
            var lines = _lines + (_lineHasContent ? 1 : 0);
            return lines > 0 && IsHeader() ? lines - 1 : lines;
        }
    }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        Bytes += bytes.Length;
        foreach (var b in bytes)
        {
            if (!_firstLineDone)
            {
                if (b is (byte)'\n' or (byte)'\r')
                {
                    _firstLineDone = true;
                }
                else if (_firstLength < _firstLine.Length)
                {
                    _firstLine[_firstLength++] = b;
                }
            }
            if (b == (byte)'"')
            {
                _inQuotes = !_inQuotes;
            }
            if (b == (byte)'\n' && !_inQuotes)
            {
                _lines += _lineHasContent ? 1 : 0;
                _lineHasContent = false;
            }
            else if (b != (byte)'\r')
            {
                _lineHasContent = true;
            }
        }
    }

    private bool IsHeader()
    {
        var line = _firstLine.AsSpan(0, _firstLength);
        if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }
        return line.StartsWith(HeaderStart);
    }
}
