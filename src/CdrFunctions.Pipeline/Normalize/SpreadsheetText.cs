namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Formula-injection escaping of curated text cells (OWASP "CSV Injection"): a spreadsheet runs a cell that
/// starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return as a formula, so such a cell
/// gets a leading apostrophe. A cell that already starts with an apostrophe gets one more, so the escaping
/// is reversible: <see cref="Unescape"/> drops exactly one leading apostrophe, and Calls.pq does the same.
/// </summary>
public static class SpreadsheetText
{
    public const char Escape = '\'';

    private static ReadOnlySpan<char> Triggers => ['=', '+', '-', '@', '\t', '\r', Escape];

    public static string? EscapeCell(string? text) =>
        string.IsNullOrEmpty(text) || !Triggers.Contains(text[0]) ? text : Escape + text;

    public static string? Unescape(string? cell) =>
        string.IsNullOrEmpty(cell) || cell[0] != Escape ? cell : cell[1..];

    /// <summary>
    /// A phone column holds E.164 (<c>+905321234567</c>) or bare digits, left alone; anything else is escaped as text.
    /// An escaped cell starts with an apostrophe, which no number does, so <see cref="Unescape"/> reads both.
    /// </summary>
    public static string? EscapePhone(string? number) => IsPlainNumber(number) ? number : EscapeCell(number);

    private static bool IsPlainNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        var digits = value[0] == '+' ? value.AsSpan(1) : value.AsSpan();
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
