namespace CdrFunctions.Pipeline.Phones;

/// <summary>
/// A libphonenumber metadata pattern compiled to a deterministic automaton over the digits 0-9: whether a digit
/// string is wholly matched is one table step per digit, where the compiled regex it replaces pays the engine's
/// setup on every call. The metadata's national-number patterns use only digits, <c>[...]</c> classes with
/// ranges, groups, <c>|</c>, <c>?</c> and <c>{n}</c>/<c>{n,m}</c>; for digit input a full match of such a pattern
/// (no lookaround, no backreference) is membership of its regular language, which this automaton decides.
/// Anything else in a pattern, or an automaton too large, gives no automaton (the caller keeps to the library).
/// DigitAutomatonTests compares it with the regex over every region's patterns.
/// </summary>
internal sealed class DigitAutomaton
{
    // Fits a short, so the table of a large pattern (a region's every area code) stays small in the cache.
    private const int MaxStates = 20_000;

    // A byte names each state of a small automaton (most regions' validity patterns), with this as "no match".
    private const byte DeadPair = byte.MaxValue;

    // State s, digit d → next state, or -1 for "no match whatever follows". State 0 is the start.
    private readonly short[] _next;
    private readonly bool[] _accepting;

    // For an automaton of fewer than 255 states: state s, digits d1 d2 → the state after both, or DeadPair. Each step
    // waits for the last one's load, so two digits a step halve the chain (a phone number is ~10 digits); at a byte a
    // state the table stays in the first-level cache (24 KB for the US).
    private readonly byte[]? _pairs;

    private DigitAutomaton(short[] next, bool[] accepting)
    {
        _next = next;
        _accepting = accepting;
        _pairs = accepting.Length < DeadPair ? Pairs(next, accepting.Length) : null;
    }

    /// <summary>Whether <see cref="IsMatch"/> steps two digits at a time (a small automaton), as the tests check.</summary>
    internal bool StepsByPairs => _pairs is not null;

    private static byte[] Pairs(short[] next, int states)
    {
        var pairs = new byte[states * 100];
        for (var state = 0; state < states; state++)
        {
            for (var first = 0; first < 10; first++)
            {
                var middle = next[(state * 10) + first];
                for (var second = 0; second < 10; second++)
                {
                    var to = middle < 0 ? -1 : next[(middle * 10) + second];
                    pairs[(state * 100) + (first * 10) + second] = to < 0 ? DeadPair : (byte)to;
                }
            }
        }
        return pairs;
    }

    /// <summary>The automaton of strings every one of <paramref name="patterns"/> matches wholly, or null outside the supported syntax.</summary>
    public static DigitAutomaton? TryCompile(params string[] patterns)
    {
        var nfa = new Nfa();
        var fragments = new List<(int Start, int End)>();
        foreach (var pattern in patterns)
        {
            if (PatternParser.TryParse(pattern) is not { } tree)
            {
                return null;
            }
            fragments.Add(nfa.Build(tree));
        }
        return Determinize(nfa, fragments);
    }

    /// <summary>Whether ASCII digits <paramref name="digits"/> are wholly matched (every pattern, for an intersection).</summary>
    public bool IsMatch(ReadOnlySpan<char> digits)
    {
        var state = 0;
        if (_pairs is { } pairs)
        {
            var at = 0;
            for (; at + 1 < digits.Length; at += 2)
            {
                var first = digits[at] - '0';
                var second = digits[at + 1] - '0';
                if ((uint)first > 9 || (uint)second > 9)
                {
                    return false;
                }
                state = pairs[(state * 100) + (first * 10) + second];
                if (state == DeadPair)
                {
                    return false;
                }
            }
            digits = digits[at..];
        }
        foreach (var c in digits)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            state = _next[(state * 10) + d];
            if (state < 0)
            {
                return false;
            }
        }
        return _accepting[state];
    }

    /// <summary>Subset construction over the product of the patterns' NFAs (one set per pattern, all must accept).</summary>
    private static DigitAutomaton? Determinize(Nfa nfa, List<(int Start, int End)> fragments)
    {
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new List<int[][]>();
        var next = new List<short>();
        var accepting = new List<bool>();

        int Add(int[][] sets)
        {
            var key = string.Join('|', sets.Select(s => string.Join(',', s)));
            if (states.TryGetValue(key, out var id))
            {
                return id;
            }
            id = queue.Count;
            states[key] = id;
            queue.Add(sets);
            accepting.Add(sets.Select((s, i) => Array.BinarySearch(s, fragments[i].End) >= 0).All(a => a));
            next.AddRange(Enumerable.Repeat((short)-1, 10));
            return id;
        }

        Add([.. fragments.Select(f => nfa.Closure([f.Start]))]);
        for (var at = 0; at < queue.Count; at++)
        {
            if (queue.Count > MaxStates)
            {
                return null;
            }
            var sets = queue[at];
            for (var digit = 0; digit < 10; digit++)
            {
                var moved = new int[sets.Length][];
                var dead = false;
                for (var i = 0; i < sets.Length && !dead; i++)
                {
                    moved[i] = nfa.Closure(nfa.Step(sets[i], digit));
                    dead = moved[i].Length == 0;
                }
                if (!dead)
                {
                    next[(at * 10) + digit] = (short)Add(moved);
                }
            }
        }
        return new DigitAutomaton([.. next], [.. accepting]);
    }

    /// <summary>A pattern's syntax tree: a digit class, a sequence, alternatives, or a bounded repeat.</summary>
    private abstract record Node;

    private sealed record DigitClass(ushort Digits) : Node;

    private sealed record Sequence(IReadOnlyList<Node> Items) : Node;

    private sealed record Alternatives(IReadOnlyList<Node> Options) : Node;

    private sealed record Repeat(Node Item, int Min, int Max) : Node;

    /// <summary>Recursive descent over the supported syntax; null at anything else.</summary>
    private sealed class PatternParser
    {
        private readonly string _pattern;
        private int _at;

        private PatternParser(string pattern) => _pattern = pattern;

        public static Node? TryParse(string pattern)
        {
            var parser = new PatternParser(pattern);
            var tree = parser.ParseAlternatives();
            return tree is not null && parser._at == pattern.Length ? tree : null;
        }

        private char? Peek => _at < _pattern.Length ? _pattern[_at] : null;

        private Node? ParseAlternatives()
        {
            var options = new List<Node>();
            while (true)
            {
                if (ParseSequence() is not { } sequence)
                {
                    return null;
                }
                options.Add(sequence);
                if (Peek != '|')
                {
                    return options.Count == 1 ? options[0] : new Alternatives(options);
                }
                _at++;
            }
        }

        private Node? ParseSequence()
        {
            var items = new List<Node>();
            while (Peek is { } c && c is not ('|' or ')'))
            {
                if (ParseAtom() is not { } atom || ParseQuantifiers(atom) is not { } item)
                {
                    return null;
                }
                items.Add(item);
            }
            return new Sequence(items);
        }

        private Node? ParseAtom()
        {
            var c = _pattern[_at++];
            if (char.IsAsciiDigit(c))
            {
                return new DigitClass((ushort)(1 << (c - '0')));
            }
            if (c == '[')
            {
                return ParseClass();
            }
            if (c == '(' && _pattern.AsSpan(_at).StartsWith("?:"))
            {
                _at += 2;
                var inner = ParseAlternatives();
                if (inner is null || Peek != ')')
                {
                    return null;
                }
                _at++;
                return inner;
            }
            return null;
        }

        private DigitClass? ParseClass()
        {
            ushort digits = 0;
            while (Peek is { } c && c != ']')
            {
                if (!char.IsAsciiDigit(c))
                {
                    return null;
                }
                _at++;
                var last = c;
                if (Peek == '-' && _at + 1 < _pattern.Length && char.IsAsciiDigit(_pattern[_at + 1]))
                {
                    last = _pattern[_at + 1];
                    _at += 2;
                }
                if (last < c)
                {
                    return null;
                }
                for (var d = c; d <= last; d++)
                {
                    digits |= (ushort)(1 << (d - '0'));
                }
            }
            if (Peek != ']' || digits == 0)
            {
                return null;
            }
            _at++;
            return new DigitClass(digits);
        }

        private Node? ParseQuantifiers(Node atom)
        {
            var node = atom;
            while (Peek is '?' or '{')
            {
                if (Peek == '?')
                {
                    _at++;
                    node = new Repeat(node, 0, 1);
                    continue;
                }
                _at++;
                if (!TryNumber(out var min))
                {
                    return null;
                }
                var max = min;
                if (Peek == ',')
                {
                    _at++;
                    if (!TryNumber(out max) || max < min)
                    {
                        return null;
                    }
                }
                if (Peek != '}')
                {
                    return null;
                }
                _at++;
                node = new Repeat(node, min, max);
            }
            return node;
        }

        private bool TryNumber(out int value)
        {
            value = 0;
            var start = _at;
            while (Peek is { } c && char.IsAsciiDigit(c) && _at - start < 3)
            {
                value = (value * 10) + (c - '0');
                _at++;
            }
            return _at > start && (Peek is not { } next || !char.IsAsciiDigit(next));
        }
    }

    /// <summary>Thompson's construction: states with empty moves and digit-class moves.</summary>
    private sealed class Nfa
    {
        private readonly List<List<int>> _empty = [];
        private readonly List<List<(ushort Digits, int To)>> _moves = [];

        public (int Start, int End) Build(Node node)
        {
            switch (node)
            {
                case DigitClass c:
                {
                    var (start, end) = (NewState(), NewState());
                    _moves[start].Add((c.Digits, end));
                    return (start, end);
                }
                case Sequence s:
                {
                    var start = NewState();
                    var end = start;
                    foreach (var item in s.Items)
                    {
                        var part = Build(item);
                        _empty[end].Add(part.Start);
                        end = part.End;
                    }
                    return (start, end);
                }
                case Alternatives a:
                {
                    var (start, end) = (NewState(), NewState());
                    foreach (var option in a.Options)
                    {
                        var part = Build(option);
                        _empty[start].Add(part.Start);
                        _empty[part.End].Add(end);
                    }
                    return (start, end);
                }
                case Repeat r:
                {
                    // {min,max}: min copies, then max-min copies each of which may end the repeat.
                    var start = NewState();
                    var end = NewState();
                    var at = start;
                    for (var i = 0; i < r.Max; i++)
                    {
                        if (i >= r.Min)
                        {
                            _empty[at].Add(end);
                        }
                        var part = Build(r.Item);
                        _empty[at].Add(part.Start);
                        at = part.End;
                    }
                    _empty[at].Add(end);
                    return (start, end);
                }
                default:
                    throw new InvalidOperationException($"Unknown node {node}.");
            }
        }

        /// <summary>The states reached from <paramref name="states"/> by empty moves, sorted.</summary>
        public int[] Closure(IEnumerable<int> states)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(states);
            while (stack.TryPop(out var s))
            {
                if (seen.Add(s))
                {
                    foreach (var t in _empty[s])
                    {
                        stack.Push(t);
                    }
                }
            }
            var sorted = seen.ToArray();
            Array.Sort(sorted);
            return sorted;
        }

        /// <summary>The states one <paramref name="digit"/> moves <paramref name="states"/> to.</summary>
        public IEnumerable<int> Step(int[] states, int digit)
        {
            foreach (var s in states)
            {
                foreach (var (digits, to) in _moves[s])
                {
                    if ((digits & (1 << digit)) != 0)
                    {
                        yield return to;
                    }
                }
            }
        }

        private int NewState()
        {
            _empty.Add([]);
            _moves.Add([]);
            return _empty.Count - 1;
        }
    }
}
