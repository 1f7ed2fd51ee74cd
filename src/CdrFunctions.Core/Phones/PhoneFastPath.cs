using System.Text.RegularExpressions;
using PhoneNumbers;

namespace CdrFunctions.Pipeline.Phones;

/// <summary>
/// libphonenumber's <c>Parse</c> + <c>IsValidNumber</c> + E.164 <c>Format</c> (9.0.x), traced step by step for
/// the shapes vendors send most: ASCII digits (spaces and hyphens between them allowed), at most one leading '+',
/// in the configured region.
/// The steps use the library's own metadata (same patterns, lengths and prefixes), compiled once (number patterns
/// to <see cref="DigitAutomaton"/>s, prefixes to regexes), because the library runs its metadata regexes interpreted and parses every never-seen caller number from scratch
/// (15-35 µs each, the largest cost of every parser). Whenever the trace leaves the narrow path (an
/// international dialling prefix, another country's code, a national number with a leading zero, a number
/// the region does not call valid) it returns null and the caller asks libphonenumber itself; so its answer,
/// when it gives one, is the library's. PhoneFastPathTests compares both over generated numbers.
/// </summary>
internal sealed class PhoneFastPath
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;
    private const int MinNsnLength = 2;
    private const int MaxNsnLength = 17;
    private const int MaxRawLength = 40;

    private readonly int _countryCode;
    private readonly string _countryCodeText;
    private readonly HashSet<int> _callingCodes;
    private readonly string? _literalIddPrefix;
    private readonly Regex? _iddPrefix;
    private readonly string? _literalNationalPrefix;
    private readonly Regex? _nationalPrefix;
    private readonly bool _hasNationalPrefix;
    private readonly DigitAutomaton _generalPattern;
    private readonly IList<int> _generalLengths;
    private readonly IList<int> _generalLocalOnlyLengths;

    // IsValid for each national number length, as one automaton: the general pattern and the patterns of every
    // type that allows the length, as alternatives, must both match wholly. One pass over the digits instead of
    // a regex match per type (each costs the engine's setup), with the same answer: a full match of an
    // alternation is a full match of one of its alternatives. Null for a length no type allows.
    private readonly DigitAutomaton?[] _validByLength;

    // The first characters of the international prefix, the country code and the national prefix, when all three are
    // literal; null otherwise. A national number that starts with none of them takes the shortcut in TryNormalize.
    private readonly string? _prefixStarts;

    private PhoneFastPath(PhoneMetadata metadata, HashSet<int> callingCodes, DigitAutomaton generalPattern, DigitAutomaton?[] validByLength)
    {
        _countryCode = metadata.CountryCode;
        _countryCodeText = metadata.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _callingCodes = callingCodes;
        // A literal prefix ("00", "011") is tested with StartsWith: the same answer without a regex match per number.
        if (Regex.Escape(metadata.InternationalPrefix) == metadata.InternationalPrefix)
        {
            _literalIddPrefix = metadata.InternationalPrefix;
        }
        else
        {
            _iddPrefix = new Regex("^(?:" + metadata.InternationalPrefix + ")", Options);
        }
        _hasNationalPrefix = metadata.HasNationalPrefixForParsing;
        if (_hasNationalPrefix)
        {
            // The library tests a literal prefix with StartsWith and anything else as a regex anchored at the start.
            var prefix = metadata.NationalPrefixForParsing;
            if (Regex.Escape(prefix) == prefix)
            {
                _literalNationalPrefix = prefix;
            }
            else
            {
                _nationalPrefix = new Regex("^(?:" + prefix + ")", Options);
            }
        }
        _generalPattern = generalPattern;
        _generalLengths = metadata.GeneralDesc.PossibleLengthList;
        _generalLocalOnlyLengths = metadata.GeneralDesc.PossibleLengthLocalOnlyList;
        _validByLength = validByLength;
        if (_literalIddPrefix is { Length: > 0 } idd && (!_hasNationalPrefix || _literalNationalPrefix is { Length: > 0 }))
        {
            _prefixStarts = string.Concat(idd.AsSpan(0, 1), _countryCodeText.AsSpan(0, 1), _literalNationalPrefix is { } national ? national.AsSpan(0, 1) : []);
        }
    }

    /// <summary>The validity automaton of each national number length, or null when a pattern is not one <see cref="DigitAutomaton"/> reads.</summary>
    private static DigitAutomaton?[]? ValidByLength(PhoneMetadata metadata)
    {
        // GetNumberTypeHelper's order: any of these matching makes the number valid; mobile only counts on its
        // own when the region's mobile and fixed-line patterns differ.
        var types = new List<PhoneNumberDesc>
        {
            metadata.PremiumRate, metadata.TollFree, metadata.SharedCost, metadata.Voip, metadata.PersonalNumber,
            metadata.Pager, metadata.Uan, metadata.Voicemail, metadata.FixedLine,
        };
        if (!metadata.SameMobileAndFixedLinePattern)
        {
            types.Add(metadata.Mobile);
        }
        var validTypes = types.Where(d => d.HasNationalNumberPattern).ToList();
        var generalLengths = metadata.GeneralDesc.PossibleLengthList;
        var validByLength = new DigitAutomaton?[MaxNsnLength + 1];
        for (var length = MinNsnLength; length <= MaxNsnLength; length++)
        {
            if (generalLengths.Count > 0 && !generalLengths.Contains(length))
            {
                continue;
            }
            var patterns = validTypes
                .Where(d => d.PossibleLengthCount == 0 || d.PossibleLengthList.Contains(length))
                .Select(d => "(?:" + d.NationalNumberPattern + ")")
                .ToList();
            if (patterns.Count > 0)
            {
                validByLength[length] = DigitAutomaton.TryCompile(metadata.GeneralDesc.NationalNumberPattern, string.Join('|', patterns));
                if (validByLength[length] is null)
                {
                    return null;
                }
            }
        }
        return validByLength;
    }

    /// <summary>The fast path for <paramref name="region"/>, or null where its metadata needs a step this trace does not take.</summary>
    public static PhoneFastPath? For(PhoneNumberUtil util, string region)
    {
        var metadata = util.GetMetadataForRegion(region);
        if (metadata is null || metadata.CountryCode == 0)
        {
            return null;
        }
        var regions = util.GetRegionCodesForCountryCode(metadata.CountryCode);
        // Parse switches to the main region's metadata for a shared code, and IsValidNumber checks the main
        // region first; only when that is this region (with no leading-digits rule) is its verdict the library's.
        if (regions.Count == 0 || regions[0] != region || (regions.Count > 1 && metadata.HasLeadingDigits))
        {
            return null;
        }
        PhoneNumberDesc[] types =
        [
            metadata.PremiumRate, metadata.TollFree, metadata.SharedCost, metadata.Voip,
            metadata.PersonalNumber, metadata.Pager, metadata.Uan, metadata.Voicemail, metadata.FixedLine, metadata.Mobile,
        ];
        // A type without a pattern has the lengths [-1], so the library's length check rejects every number first.
        if (!metadata.GeneralDesc.HasNationalNumberPattern
            || types.Any(d => !d.HasNationalNumberPattern && (d.PossibleLengthCount == 0 || d.PossibleLengthList.Any(l => l > 0)))
            || metadata.GeneralDesc.PossibleLengthCount == 0
            || !string.IsNullOrEmpty(metadata.NationalPrefixTransformRule)
            || (metadata.HasNationalPrefixForParsing && metadata.NationalPrefixForParsing.Length == 0)
            || string.IsNullOrEmpty(metadata.InternationalPrefix)
            || DigitAutomaton.TryCompile(metadata.GeneralDesc.NationalNumberPattern) is not { } generalPattern
            || ValidByLength(metadata) is not { } validByLength)
        {
            return null;
        }
        return new PhoneFastPath(metadata, util.GetSupportedCallingCodes(), generalPattern, validByLength);
    }

    /// <summary>The library's E.164 form of <paramref name="raw"/> when the trace is sure it is valid; null means "ask the library".</summary>
    public string? TryNormalize(ReadOnlySpan<char> raw)
    {
        if (IsUsualNationalNumber(raw))
        {
            return IsValid(raw) ? string.Concat("+", _countryCodeText, raw) : null;
        }
        // Spaces and hyphens between digits are dropped by the library's normalization before any rule looks at
        // the number (and match none of its extension patterns), so they change nothing here either.
        if (raw.Length is < 4 or > MaxRawLength || !char.IsAsciiDigit(raw[^1]))
        {
            return null;
        }
        var plus = raw[0] == '+';
        Span<char> buffer = stackalloc char[MaxRawLength];
        var count = 0;
        for (var i = plus ? 1 : 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsAsciiDigit(c))
            {
                buffer[count++] = c;
            }
            else if (c is not (' ' or '-') || i == 0 || (plus && i == 1))
            {
                return null;
            }
        }
        ReadOnlySpan<char> digits = buffer[..count];
        // At least 4 digits keeps clear of the library's "viable number" and "too short after IDD" rules.
        if (digits.Length < 4 || digits.Length > MaxNsnLength + 3)
        {
            return null;
        }
        scoped ReadOnlySpan<char> national;
        if (plus)
        {
            // ExtractCountryCode: the shortest known calling code of 1-3 digits; none starts with 0.
            if (digits[0] == '0' || CountryCodeLength(digits) is not (> 0 and var length) || !digits.StartsWith(_countryCodeText))
            {
                return null;
            }
            national = digits[length..];
        }
        else
        {
            if (_literalIddPrefix is { } idd ? digits.StartsWith(idd) : _iddPrefix!.IsMatch(digits))
            {
                return null;
            }
            national = digits;
            if (digits.StartsWith(_countryCodeText))
            {
                // MaybeExtractCountryCode without '+': the region's code leads when the rest fits and the whole does not.
                var rest = digits[_countryCodeText.Length..];
                if (NationalPrefixLength(rest) is > 0 and var prefix)
                {
                    rest = rest[prefix..];
                }
                if ((!_generalPattern.IsMatch(digits) && _generalPattern.IsMatch(rest)) || TestLength(digits.Length) == LengthResult.TooLong)
                {
                    national = rest;
                }
            }
        }
        if (national.Length < MinNsnLength)
        {
            return null;
        }
        if (NationalPrefixLength(national) is >= 0 and var stripped
            && TestLength(national.Length - stripped) is not (LengthResult.TooShort or LengthResult.LocalOnly or LengthResult.InvalidLength))
        {
            national = national[stripped..];
        }
        // A leading zero would need the library's "Italian leading zeros"; not this path.
        if (national.Length is < MinNsnLength or > MaxNsnLength || national[0] == '0' || !IsValid(national))
        {
            return null;
        }
        return string.Concat("+", _countryCodeText, national);
    }

    /// <summary>
    /// The shape nearly every caller number has: only digits, no leading zero, of a national number's length, and
    /// starting with none of the prefixes. For it the trace below keeps the digits as the national number and only asks
    /// <see cref="IsValid"/>, so that is all this asks, without copying the digits or matching the prefixes.
    /// </summary>
    private bool IsUsualNationalNumber(ReadOnlySpan<char> raw) =>
        _prefixStarts is { } starts
        && raw.Length is >= 4 and >= MinNsnLength and <= MaxNsnLength
        && raw[0] != '0'
        && !starts.Contains(raw[0])
        && !raw.ContainsAnyExceptInRange('0', '9');

    private int CountryCodeLength(ReadOnlySpan<char> digits)
    {
        var code = 0;
        for (var i = 0; i < 3 && i < digits.Length; i++)
        {
            code = (code * 10) + (digits[i] - '0');
            if (_callingCodes.Contains(code))
            {
                return code == _countryCode ? i + 1 : -1;
            }
        }
        return -1;
    }

    /// <summary>MaybeStripNationalPrefixAndCarrierCode (no transform rule, no carrier): how many leading digits it strips, or -1 for none.</summary>
    private int NationalPrefixLength(ReadOnlySpan<char> number)
    {
        if (!_hasNationalPrefix || number.Length == 0)
        {
            return -1;
        }
        int length;
        if (_literalNationalPrefix is { } literal)
        {
            if (!number.StartsWith(literal))
            {
                return -1;
            }
            length = literal.Length;
        }
        else
        {
            // Anchored at the start: the first match, if any, is the one Regex.Match finds.
            var matches = _nationalPrefix!.EnumerateMatches(number);
            if (!matches.MoveNext())
            {
                return -1;
            }
            length = matches.Current.Length;
        }
        // A number that is already viable keeps its prefix when the rest is not.
        if (_generalPattern.IsMatch(number) && !_generalPattern.IsMatch(number[length..]))
        {
            return -1;
        }
        return length;
    }

    private enum LengthResult { Possible, LocalOnly, TooShort, TooLong, InvalidLength }

    /// <summary>TestNumberLength for an unknown type (the general description's lengths).</summary>
    private LengthResult TestLength(int length)
    {
        if (_generalLengths[0] == -1)
        {
            return LengthResult.InvalidLength;
        }
        if (_generalLocalOnlyLengths.Contains(length))
        {
            return LengthResult.LocalOnly;
        }
        if (_generalLengths[0] == length)
        {
            return LengthResult.Possible;
        }
        if (_generalLengths[0] > length)
        {
            return LengthResult.TooShort;
        }
        if (_generalLengths[^1] < length)
        {
            return LengthResult.TooLong;
        }
        return _generalLengths.Contains(length) ? LengthResult.Possible : LengthResult.InvalidLength;
    }

    /// <summary>GetNumberTypeHelper(...) != UNKNOWN for this region: the general description and any type's description match.</summary>
    private bool IsValid(ReadOnlySpan<char> nsn) => _validByLength[nsn.Length] is { } valid && valid.IsMatch(nsn);
}
