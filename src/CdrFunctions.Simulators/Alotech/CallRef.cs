namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Cheap identity of a generated call: ranges are filtered, sorted and paged on these, and only the
/// served page is turned into full records.
/// </summary>
internal readonly record struct CallRef(long Slot, int Index, long UnixSeconds)
{
    /// <summary>Chronological; ties (same second) broken by slot and index, which is key order.</summary>
    public static int CompareAscending(CallRef left, CallRef right)
    {
        var byTime = left.UnixSeconds.CompareTo(right.UnixSeconds);
        return byTime != 0 ? byTime : (left.Slot, left.Index).CompareTo((right.Slot, right.Index));
    }

    /// <summary>Newest first; ties still in ascending key order, so the tiebreak is the same in both directions.</summary>
    public static int CompareDescending(CallRef left, CallRef right)
    {
        var byTime = right.UnixSeconds.CompareTo(left.UnixSeconds);
        return byTime != 0 ? byTime : (left.Slot, left.Index).CompareTo((right.Slot, right.Index));
    }
}
