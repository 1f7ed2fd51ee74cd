using System.Runtime.CompilerServices;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// The last line of "no exception escapes a parser but cancellation": a record whose mapping throws is
/// quarantined with the exception as its reason, and a file whose reading throws ends with a file-level
/// quarantine entry after the records already read. Parsers map each record inside <see cref="Record"/>.
/// </summary>
public static class ParseGuard
{
    /// <summary>Largest record a parser maps (its raw JSON or CSV text); larger ones are quarantined unread.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    public static ParseResult Record<TState>(TState state, Func<TState, ParseResult> map, string position, Func<TState, string?> raw)
    {
        try
        {
            return map(state);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string? text;
            try
            {
                text = raw(state);
            }
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                text = null;
            }
            return Failed(e, position, text);
        }
    }

    /// <summary>The quarantine entry of a record whose mapping threw <paramref name="e"/>, for parsers that guard a record themselves.</summary>
    public static ParseResult Failed(Exception e, string position, string? raw) =>
        ParseResult.Bad(new Quarantined(position, $"the record could not be read ({Describe(e)})", raw is null ? null : Quarantined.Cap(raw)));

    public static string TooLarge(long bytes) =>
        $"the record is {bytes:N0} bytes, over the {MaxRecordBytes:N0}-byte limit of one call";

    /// <summary>Passes <paramref name="results"/> through; an exception other than cancellation ends the file with a file-level entry.</summary>
    public static async IAsyncEnumerable<ParseResult> FileAsync(IAsyncEnumerable<ParseResult> results, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var e = results.GetAsyncEnumerator(cancellationToken);
        var count = 0;
        try
        {
            while (true)
            {
                ParseResult current;
                string? failure = null;
                try
                {
                    if (!await e.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    current = e.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = $"the file could not be read after {count} record(s) ({Describe(ex)})";
                    current = default;
                }
                if (failure is not null)
                {
                    yield return ParseResult.Bad(new Quarantined("file", failure, FileLevel: true));
                    yield break;
                }
                count++;
                yield return current;
            }
        }
        finally
        {
            await DisposeQuietlyAsync(e).ConfigureAwait(false);
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ParseResult> e)
    {
        try
        {
            await e.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Disposing a half-read file can fail the same way reading it did; that was already reported.
        }
    }

    private static string Describe(Exception e)
    {
        var message = e.Message.ReplaceLineEndings(" ");
        return $"{e.GetType().Name}: {(message.Length <= 200 ? message : string.Concat(message.AsSpan(0, 200), "…"))}";
    }
}
