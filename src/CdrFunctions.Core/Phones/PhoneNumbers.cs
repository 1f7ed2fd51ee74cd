using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using PhoneNumbers;

namespace CdrFunctions.Pipeline.Phones;

/// <summary>
/// Normalizes vendor phone numbers: E.164 when libphonenumber can read the number as valid with the
/// vendor's default region, else the digits as given (a leading '+' kept), else null for text such as
/// "anonymous". The original always goes to extras, so nothing is lost.
/// </summary>
public sealed class PhoneNumberNormalizer
{
    private const int MaxCacheEntries = 100_000;
    private const int MaxStackChars = 64;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // One per region and process: its regexes are compiled, and parsers (with their normalizer) are made per file.
    private static readonly ConcurrentDictionary<string, PhoneFastPath?> FastPaths = new(StringComparer.Ordinal);

    // Agent lines, queues and repeat callers recur a lot; the library takes 15-35 µs a number.
    // A Dictionary under a System.Threading.Lock: profiled on the 2-core build machine, ConcurrentDictionary's
    // TryAdd (Monitor locks) took a quarter of an Engage Voice parse, whose caller numbers never repeat.
    // A number the fast path answers (a fraction of a microsecond) is cached only when seen before: adding every
    // one-off caller (growing the table, keeping each string alive through garbage collections) cost more than
    // the fast path itself.
    private readonly Dictionary<string, string?> _cache;
    private readonly Dictionary<string, string?>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly SeenNumbers _seen = new();
    private readonly CachedNumbers _cachedNumbers = new();
    private readonly Lock _gate = new();
    private readonly PhoneFastPath? _fastPath;

    public PhoneNumberNormalizer(string defaultRegion)
    {
        if (!Util.GetSupportedRegions().Contains(defaultRegion.ToUpperInvariant()))
        {
            throw new ArgumentException($"Unknown phone region '{defaultRegion}': use an ISO 3166 code such as TR, US or IN.", nameof(defaultRegion));
        }
        DefaultRegion = defaultRegion.ToUpperInvariant();
        _cache = new Dictionary<string, string?>(StringComparer.Ordinal);
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _fastPath = FastPaths.GetOrAdd(DefaultRegion, static region => PhoneFastPath.For(Util, region));
    }

    public string DefaultRegion { get; }

    internal int CachedCount
    {
        get
        {
            lock (_gate)
            {
                return _cache.Count;
            }
        }
    }

    public static bool IsKnownRegion(string? region) =>
        !string.IsNullOrWhiteSpace(region) && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    public string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        return Normalize(raw.AsSpan(), raw);
    }

    /// <summary>
    /// <see cref="Normalize(string?)"/> of a UTF-8 value: a short ASCII one (every caller number) is looked up and
    /// read from a stack copy, with no string made for the raw number unless it is cached or goes to the library.
    /// </summary>
    public string? Normalize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxStackChars || !Ascii.IsValid(utf8))
        {
            return Normalize(Encoding.UTF8.GetString(utf8));
        }
        // A constant size: a variable one is a localloc that clears its bytes in a loop, every number.
        Span<char> chars = stackalloc char[MaxStackChars];
        chars = chars[..utf8.Length];
        Ascii.ToUtf16(utf8, chars, out _);
        // A number starts with a digit or '+': only text that starts with white space can be nothing else.
        return chars.IsEmpty || (char.IsWhiteSpace(chars[0]) && chars.IsWhiteSpace()) ? null : Normalize(chars, null);
    }

    /// <summary>The cache, the fast path, then the library; <paramref name="rawString"/> is <paramref name="raw"/> when the caller has it.</summary>
    private string? Normalize(ReadOnlySpan<char> raw, string? rawString)
    {
        // One hash for both filters: most numbers of a file were never cached, and the cached-numbers filter says
        // so without the dictionary hashing the number again. The filters are hints, read and marked without the
        // lock (a stale or lost bit only changes whether a number is looked up or cached, never its answer); the
        // cache itself is touched only under it. A one-off caller the fast path answers takes no lock.
        var hash = HintHash(raw);
        if (_cachedNumbers.MayContain(hash))
        {
            lock (_gate)
            {
                if (_lookup.TryGetValue(raw, out var cached))
                {
                    return cached;
                }
            }
        }
        if (_fastPath?.TryNormalize(raw) is { } fast)
        {
            if (_seen.MarkSeen(hash))
            {
                lock (_gate)
                {
                    if (_cache.Count < MaxCacheEntries)
                    {
                        Cache(rawString ?? new string(raw), hash, fast);
                    }
                }
            }
            return fast;
        }
        // The library's slower answer is computed outside the lock.
        rawString ??= new string(raw);
        var result = NormalizeWithLibrary(rawString);
        lock (_gate)
        {
            if (_cache.Count < MaxCacheEntries)
            {
                Cache(rawString, hash, result);
            }
        }
        return result;
    }

    /// <summary>
    /// The filters' hash of a number: a multiplication per four characters and a finalizer, where the string hash
    /// (randomized against crafted keys, which only the cache's own lookups need) takes several steps per two.
    /// </summary>
    internal static int HintHash(ReadOnlySpan<char> raw)
    {
        var blocks = MemoryMarshal.Cast<char, ulong>(raw);
        var h = (ulong)raw.Length * 0x9E3779B97F4A7C15UL;
        foreach (var block in blocks)
        {
            h = (h ^ block) * 0xBF58476D1CE4E5B9UL;
        }
        foreach (var c in raw[(blocks.Length * 4)..])
        {
            h = (h ^ c) * 0x94D049BB133111EBUL;
        }
        // MurmurHash3's finalizer: a multiplication moves bits only upwards, and the filters take the low bits too.
        h = (h ^ (h >> 33)) * 0xFF51AFD7ED558CCDUL;
        h = (h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return (int)(h ^ (h >> 33));
    }

    /// <summary>Caches an answer (the first one stays: both are the library's); every cached number is marked in the filter.</summary>
    private void Cache(string raw, int hash, string? normalized)
    {
        _cache.TryAdd(raw, normalized);
        _cachedNumbers.Mark(hash);
    }

    /// <summary>The answer libphonenumber gives, uncached; the fast path must agree with it wherever it answers.</summary>
    internal string? NormalizeWithLibrary(string raw)
    {
        var digits = DigitsAsGiven(raw);
        if (digits is null)
        {
            return null;
        }
        try
        {
            var number = Util.Parse(raw, DefaultRegion);
            if (Util.IsValidNumber(number))
            {
                return Util.Format(number, PhoneNumberFormat.E164);
            }
            // Numbers stored without '+' but with the country code ("905321234567").
            if (!raw.TrimStart().StartsWith('+') && digits.Length > 10)
            {
                var withPlus = Util.Parse("+" + digits, DefaultRegion);
                if (Util.IsValidNumber(withPlus))
                {
                    return Util.Format(withPlus, PhoneNumberFormat.E164);
                }
            }
        }
        catch (NumberParseException)
        {
            // Not a phone number libphonenumber knows: fall through to the digits.
        }
        return digits;
    }

    /// <summary>The digits of the input (with a leading '+' if it had one), or null when it has none.</summary>
    public static string? DigitsAsGiven(string raw)
    {
        Span<char> buffer = raw.Length <= 256 ? stackalloc char[raw.Length + 1] : new char[raw.Length + 1];
        var n = 0;
        var trimmed = raw.AsSpan().Trim();
        if (trimmed.StartsWith("+"))
        {
            buffer[n++] = '+';
        }
        foreach (var c in trimmed)
        {
            if (c is >= '0' and <= '9')
            {
                buffer[n++] = c;
            }
        }
        var hasDigit = n > 0 && !(n == 1 && buffer[0] == '+');
        return hasDigit ? new string(buffer[..n]) : null;
    }
}

/// <summary>Phone numbers in logs show their country/area prefix and last two digits only.</summary>
public static class PhoneMask
{
    public static string Mask(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return "";
        }
        if (number.Length <= 4)
        {
            return new string('*', number.Length);
        }
        var keepStart = Math.Min(4, number.Length / 3);
        Span<char> chars = stackalloc char[number.Length];
        number.AsSpan().CopyTo(chars);
        for (var i = keepStart; i < chars.Length - 2; i++)
        {
            if (char.IsDigit(chars[i]))
            {
                chars[i] = '*';
            }
        }
        return new string(chars);
    }
}
