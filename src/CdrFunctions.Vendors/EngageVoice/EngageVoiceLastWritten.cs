using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// What one column's last value wrote to extras. A disposition (<c>ANSWER(5)</c>: the value, its code and its
/// number) repeats row after row, and copying what it wrote is cheaper than reading it again (its extras are a
/// function of the value alone). One per column and mapper.
/// </summary>
internal sealed class EngageVoiceLastWritten
{
    private const int MaxValueBytes = 64;
    private const int MaxWrittenBytes = 256;

    private readonly byte[] _value = new byte[MaxValueBytes];
    private readonly byte[] _written = new byte[MaxWrittenBytes];
    private int _valueLength = -1;
    private int _writtenLength;

    /// <summary>Writes again what <paramref name="value"/> wrote last time; false, with nothing written, for another value.</summary>
    public bool TryWriteAgain(ReadOnlySpan<byte> value, Utf8ExtrasWriter extras)
    {
        if (_valueLength < 0 || !value.SequenceEqual(_value.AsSpan(0, _valueLength)))
        {
            return false;
        }
        extras.WriteAgain(_written.AsSpan(0, _writtenLength));
        return true;
    }

    /// <summary>Remembers what <paramref name="value"/> wrote; a long one is not kept.</summary>
    public void Remember(ReadOnlySpan<byte> value, ReadOnlySpan<byte> written)
    {
        if (value.Length > MaxValueBytes || written.Length > MaxWrittenBytes)
        {
            _valueLength = -1;
            return;
        }
        value.CopyTo(_value);
        written.CopyTo(_written);
        _valueLength = value.Length;
        _writtenLength = written.Length;
    }
}
