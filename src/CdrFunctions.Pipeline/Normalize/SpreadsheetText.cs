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

    public static string? EscapeCell(string? text) => NeedsEscape(text) ? Escape + text : text;

    /// <summary>Whether <see cref="EscapeCell"/> prefixes the cell, for writers that write the apostrophe themselves.</summary>
    public static bool NeedsEscape(ReadOnlySpan<char> cell) => !cell.IsEmpty && Triggers.Contains(cell[0]);

    /// <summary><see cref="NeedsEscape(ReadOnlySpan{char})"/> of a cell's UTF-8: every trigger is ASCII, one byte.</summary>
    public static bool NeedsEscape(ReadOnlySpan<byte> utf8Cell) => !utf8Cell.IsEmpty && utf8Cell[0] < 0x80 && Triggers.Contains((char)utf8Cell[0]);

    public static string? Unescape(string? cell) =>
        string.IsNullOrEmpty(cell) || cell[0] != Escape ? cell : cell[1..];

    /// <summary>
    /// A phone column holds E.164 (<c>+905321234567</c>) or bare digits, left alone; anything else is escaped as text.
    /// An escaped cell starts with an apostrophe, which no number does, so <see cref="Unescape"/> reads both.
    /// </summary>
    public static string? EscapePhone(string? number) => PhoneNeedsEscape(number) ? Escape + number : number;

    /// <summary>Whether <see cref="EscapePhone"/> prefixes the cell, for writers that write the apostrophe themselves.</summary>
    public static bool PhoneNeedsEscape(ReadOnlySpan<char> number) => !IsPlainNumber(number) && NeedsEscape(number);

    private static bool IsPlainNumber(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return true;
        }
        var digits = value[0] == '+' ? value[1..] : value;
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
