using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CdrFunctions.Cli;

/// <summary>Options several commands share, with parsing that says what was wrong.</summary>
internal static class CliOptions
{
    public static Option<string> Vendor(bool required = true) => new("--vendor")
    {
        Description = "Vendor name: " + string.Join(", ", CliHost.VendorNames) + ".",
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

/// <summary>The <c>--vendor --from --to</c> trio of the commands that work on a range of windows.</summary>
internal sealed record RangeOptions(Option<string> Vendor, Option<DateTimeOffset> From, Option<DateTimeOffset> To)
{
    public static RangeOptions Create(string fromDescription) => new(
        CliOptions.Vendor(),
        CliOptions.Utc("--from", fromDescription, required: true),
        CliOptions.Utc("--to", "End of the range (exclusive).", required: true));

    public Command Command(string name, string description) => new(name, description) { Vendor, From, To };

    /// <summary>The values, or null after printing why the range is unusable.</summary>
    public (string Vendor, DateTimeOffset From, DateTimeOffset To)? Read(ParseResult parse)
    {
        var (from, to) = (parse.GetValue(From), parse.GetValue(To));
        if (from >= to)
        {
            CliErrors.Fail("--from must be before --to.", CliErrors.Usage);
            return null;
        }
        return (parse.GetValue(Vendor)!, from, to);
    }
}
