using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CdrFunctions.Cli;

/// <summary>Options several commands share, with parsing that says what was wrong.</summary>
internal static class CliOptions
{
    public static Option<string> Vendor(bool required = true) => new("--vendor")
    {
        Description = "Vendor name: alotech (engagevoice and deepcall as they are added).",
        Required = required,
    };

    /// <summary>An instant; without an offset it is taken as UTC.</summary>
    public static Option<DateTimeOffset> Utc(string name, string description, bool required) => new(name)
    {
        Description = description + " ISO-8601; UTC unless an offset is given (2026-11-22T10:00:00Z).",
        Required = required,
        CustomParser = ParseUtc,
    };

    public static Option<DateTimeOffset?> OptionalUtc(string name, string description) => new(name)
    {
        Description = description + " ISO-8601; UTC unless an offset is given.",
        CustomParser = r => ParseUtc(r),
    };

    private static DateTimeOffset ParseUtc(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value.ToUniversalTime();
        }
        result.AddError($"'{text}' is not a date/time; use ISO-8601 such as 2026-11-22T10:00:00Z.");
        return default;
    }
}
