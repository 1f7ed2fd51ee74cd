using System.Buffers;

namespace CdrFunctions.Tests.Core.Parsing.Reference;

/// <summary>
/// How JsonItemStream found the end of a page before JsonStructure (main at dafd88c): one IndexOfAny per
/// bracket or string boundary. Kept only so that JsonStructureTests can compare the two. Its own words follow.
/// The length of the object or array the value starts with, by its brackets outside strings;
/// null when it does not end within the span. Exact for valid JSON; the reader validates what it maps.
/// </summary>
internal static class IndexOfAnyStructure
{
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);

    public static int? Length(ReadOnlySpan<byte> value)
    {
        var depth = 0;
        var at = 0;
        while (true)
        {
            var next = value[at..].IndexOfAny(Structure);
            if (next < 0)
            {
                return null;
            }
            at += next;
            switch (value[at])
            {
                case (byte)'"':
                    at++;
                    while (true)
                    {
                        var end = value[at..].IndexOfAny(StringEnd);
                        if (end < 0)
                        {
                            return null;
                        }
                        at += end;
                        if (value[at] == (byte)'"')
                        {
                            break;
                        }
                        // A backslash escapes the next byte.
                        at += 2;
                        if (at >= value.Length)
                        {
                            return null;
                        }
                    }
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    depth--;
                    if (depth == 0)
                    {
                        return at + 1;
                    }
                    break;
            }
            at++;
        }
    }
}
