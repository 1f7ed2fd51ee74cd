using System.Text;
using System.Text.RegularExpressions;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// One TMDL line and what is nested under it. <see cref="Keyword"/> is the first word (<c>table</c>, <c>measure</c>,
/// <c>dataType</c>...), <see cref="Name"/> the (unquoted) object name or property value, <see cref="Expression"/> the text
/// after <c>=</c> including the indented lines that continue it, <see cref="Description"/> the <c>///</c> lines above.
/// </summary>
internal sealed record TmdlNode(string Keyword, string Name, string? Expression, string? Description, IReadOnlyList<TmdlNode> Children)
{
    public IEnumerable<TmdlNode> All(string keyword) => Children.Where(c => c.Keyword == keyword);

    public TmdlNode? One(string keyword) => Children.SingleOrDefault(c => c.Keyword == keyword);

    public string? Property(string keyword) => One(keyword)?.Name;

    public bool Flag(string keyword) => One(keyword) is not null;
}

/// <summary>
/// A reader for the subset of TMDL the repository's model uses: tab indentation, one object or property per line,
/// multi-line expressions indented two levels below the line that opens them (as Power BI Desktop writes them).
/// It reads structure only; it does not evaluate DAX or M.
/// </summary>
internal static partial class Tmdl
{
    public static IReadOnlyList<TmdlNode> ParseFile(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyList<TmdlNode> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var index = 0;
        return ParseLevel(lines, ref index, 0);
    }

    private static List<TmdlNode> ParseLevel(string[] lines, ref int index, int depth)
    {
        var nodes = new List<TmdlNode>();
        var description = new StringBuilder();
        while (index < lines.Length)
        {
            var line = lines[index];
            if (line.Trim().Length == 0)
            {
                index++;
                continue;
            }
            var lineDepth = Depth(line);
            if (lineDepth < depth)
            {
                break;
            }
            if (lineDepth > depth)
            {
                throw new FormatException($"line {index + 1}: indented {lineDepth} tab(s), expected {depth}: '{line.Trim()}'");
            }
            var content = line.Trim();
            index++;
            if (content.StartsWith("///", StringComparison.Ordinal))
            {
                description.Append(description.Length == 0 ? "" : " ").Append(content[3..].Trim());
                continue;
            }

            var (keyword, name, inline) = Header(content);
            string? expression = inline;
            if (inline is { Length: 0 })
            {
                // The expression continues on the lines indented two levels deeper (blank lines inside it kept).
                var body = new List<string>();
                while (index < lines.Length && (lines[index].Trim().Length == 0 || Depth(lines[index]) >= depth + 2))
                {
                    body.Add(lines[index].Length >= depth + 2 ? lines[index][Math.Min(depth + 2, Depth(lines[index]))..] : "");
                    index++;
                }
                expression = string.Join('\n', body).Trim();
            }
            var children = ParseLevel(lines, ref index, depth + 1);
            nodes.Add(new TmdlNode(keyword, name, expression, description.Length == 0 ? null : description.ToString(), children));
            description.Clear();
        }
        return nodes;
    }

    private static int Depth(string line) => line.TakeWhile(c => c == '\t').Count();

    /// <summary><c>keyword</c>, <c>keyword: value</c>, <c>keyword Name</c> or <c>keyword Name = expression</c>.</summary>
    private static (string Keyword, string Name, string? Expression) Header(string content)
    {
        var colon = content.IndexOf(':', StringComparison.Ordinal);
        var space = content.IndexOf(' ', StringComparison.Ordinal);
        if (colon > 0 && (space < 0 || colon < space))
        {
            return (content[..colon], content[(colon + 1)..].Trim(), null);
        }
        if (space < 0)
        {
            return (content, "", null);
        }
        var keyword = content[..space];
        var rest = content[(space + 1)..].Trim();
        var (name, after) = ReadName(rest);
        after = after.Trim();
        return after.StartsWith('=')
            ? (keyword, name, after[1..].Trim())
            : (keyword, name, null);
    }

    /// <summary>A bare name runs to " =" or the end; a quoted one is '...' with '' for a quote.</summary>
    public static (string Name, string Remainder) ReadName(string text)
    {
        if (text.StartsWith('='))
        {
            return ("", text);
        }
        if (!text.StartsWith('\''))
        {
            var equals = text.IndexOf(" =", StringComparison.Ordinal);
            return equals < 0 ? (text, "") : (text[..equals], text[equals..]);
        }
        var name = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    name.Append('\'');
                    i++;
                    continue;
                }
                return (name.ToString(), text[(i + 1)..]);
            }
            name.Append(text[i]);
        }
        throw new FormatException($"unterminated quoted name: {text}");
    }

    /// <summary><c>Table.Column</c> as relationships write it, either part quoted.</summary>
    public static (string Table, string Column) ColumnReference(string text)
    {
        var (table, rest) = ReadDotted(text);
        var (column, tail) = ReadDotted(rest.TrimStart('.'));
        return tail.Length == 0 ? (table, column) : throw new FormatException($"not Table.Column: {text}");
    }

    private static (string Name, string Remainder) ReadDotted(string text)
    {
        if (text.StartsWith('\''))
        {
            return ReadName(text);
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (text, "") : (text[..dot], text[dot..]);
    }

    /// <summary>Every <c>Table[Column]</c> / <c>'Table'[Column]</c> and bare <c>[Name]</c> in a DAX expression, outside string literals.</summary>
    public static IEnumerable<(string? Table, string Name)> DaxReferences(string dax)
    {
        var code = DaxString().Replace(dax, "\"\"");
        foreach (Match m in DaxReference().Matches(code))
        {
            var table = m.Groups["quoted"].Success ? m.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal)
                : m.Groups["bare"].Success ? m.Groups["bare"].Value : null;
            yield return (table, m.Groups["name"].Value.Replace("]]", "]", StringComparison.Ordinal));
        }
    }

    [GeneratedRegex("\"(?:[^\"]|\"\")*\"")]
    private static partial Regex DaxString();

    [GeneratedRegex(@"(?:'(?<quoted>(?:[^']|'')+)'|(?<bare>\b[A-Za-z_][A-Za-z0-9_]*))?\[(?<name>(?:[^\]]|\]\])+)\]")]
    private static partial Regex DaxReference();
}
