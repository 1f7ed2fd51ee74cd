using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Optional arrays a request asked for.</summary>
[Flags]
internal enum AlotechIncludes
{
    None = 0,
    CallHistory = 1,
    Csat = 2,
    CallTags = 4,
}

/// <summary>A validated <c>reportsCDRLogs</c> request: either a key lookup or a date-range listing.</summary>
internal abstract record AlotechApiRequest(AlotechIncludes Includes)
{
    public const string Function = "reportsCDRLogs";

    /// <summary>Longest range served; the generator materialises the whole range for every page.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    private static readonly DateTime MinDate = new(1971, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private static readonly DateTime MaxDate = new(3000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Validates everything except the token; <paramref name="error"/> is the 400 body.</summary>
    public static bool TryParse(IQueryCollection query, [NotNullWhen(true)] out AlotechApiRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        var function = Single(query, "function");
        if (string.IsNullOrEmpty(function))
        {
            error = "Missing mandatory parameter: function";
            return false;
        }

        if (!string.Equals(function, Function, StringComparison.Ordinal))
        {
            error = "Unknown function: " + function;
            return false;
        }

        var includes = (IsTrue(query, "include_call_history") ? AlotechIncludes.CallHistory : AlotechIncludes.None)
            | (IsTrue(query, "include_csat") ? AlotechIncludes.Csat : AlotechIncludes.None)
            | (IsTrue(query, "include_call_tags") ? AlotechIncludes.CallTags : AlotechIncludes.None);

        // As documented, callkey overrides every filter.
        var callKey = Single(query, "callkey");
        if (!string.IsNullOrEmpty(callKey))
        {
            request = new AlotechKeyLookup(callKey, includes);
            error = null;
            return true;
        }

        if (!TryParseDate(query, "startdate", out var start, out error)
            || !TryParseDate(query, "finishdate", out var finish, out error))
        {
            return false;
        }

        if (finish < start)
        {
            error = "finishdate must not be before startdate";
            return false;
        }

        if (finish - start > MaxRange)
        {
            error = "Date range too long: the simulator serves at most 31 days per request";
            return false;
        }

        bool ascending;
        switch (Single(query, "sorting"))
        {
            case null or "" or "desc":
                ascending = false;
                break;
            case "asc":
                ascending = true;
                break;
            default:
                error = "Invalid sorting: use asc or desc";
                return false;
        }

        request = new AlotechListing(start, finish, ascending, Single(query, "cursor"), includes);
        error = null;
        return true;
    }

    private static bool TryParseDate(IQueryCollection query, string name, out DateTime value, [NotNullWhen(false)] out string? error)
    {
        var text = Single(query, name);
        if (string.IsNullOrEmpty(text))
        {
            error = "Missing mandatory parameter: " + name;
        }
        else if (!AlotechJson.TryParseDate(text, out value))
        {
            error = $"Invalid {name}: expected {AlotechJson.DateFormat}";
        }
        else if (value < MinDate || value >= MaxDate)
        {
            error = $"Invalid {name}: out of the supported range";
        }
        else
        {
            error = null;
            return true;
        }

        value = default;
        return false;
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static bool IsTrue(IQueryCollection query, string name) =>
        string.Equals(Single(query, name), "true", StringComparison.OrdinalIgnoreCase);
}

internal sealed record AlotechKeyLookup(string CallKey, AlotechIncludes Includes) : AlotechApiRequest(Includes);

internal sealed record AlotechListing(DateTime Start, DateTime Finish, bool Ascending, string? Cursor, AlotechIncludes Includes)
    : AlotechApiRequest(Includes)
{
    public string StartText => AlotechJson.FormatDate(Start);

    public string FinishText => AlotechJson.FormatDate(Finish);
}
