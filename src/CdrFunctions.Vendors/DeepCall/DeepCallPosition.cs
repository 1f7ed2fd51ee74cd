using System.Globalization;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// Where a call is in a DeepCall file ("detail 3 (list page 1, record 7)"), made into text only for a
/// quarantine entry rather than formatted for every call. Detail 0 is none; page 0 is no list position.
/// </summary>
internal readonly record struct DeepCallPosition(int Detail, int Page, int Record, bool Listed)
{
    /// <summary>The one call of a detail response file.</summary>
    public static DeepCallPosition SingleDetail => default;

    public static DeepCallPosition OfDetail(int detail) => new(detail, 0, 0, false);

    public static DeepCallPosition OfListItem(int page, int record) => new(0, page, record, true);

    /// <summary>A record of a list page file's <c>data</c> (not of a landed window's list).</summary>
    public static DeepCallPosition OfPageItem(int record) => new(0, 1, record, false);

    public override string ToString()
    {
        var listed = Page > 0 ? string.Create(CultureInfo.InvariantCulture, $"{(Listed ? "list page" : "page")} {Page}, record {Record}") : null;
        return Detail > 0
            ? string.Create(CultureInfo.InvariantCulture, $"detail {Detail}{(listed is null ? "" : $" ({listed})")}")
            : listed ?? "detail";
    }
}
