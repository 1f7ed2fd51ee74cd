using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Shared JSON and date formatting, so every serialisation of the same data is byte-identical.</summary>
internal static class AlotechJson
{
    public const string DateFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Relaxed escaping emits Turkish letters as raw UTF-8 (control characters are still escaped).</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = Encoder, WriteIndented = false };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, Indented = false };

    public static string FormatDate(DateTime local) => local.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static bool TryParseDate(string? text, out DateTime local) =>
        DateTime.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out local);
}
