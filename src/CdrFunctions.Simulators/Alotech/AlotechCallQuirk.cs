namespace CdrFunctions.Simulators.Alotech;

/// <summary>How a generated call deviates from a clean record when <see cref="AlotechSimulatorOptions.MalformedEvery"/> is on.</summary>
public enum AlotechCallQuirk
{
    /// <summary>A clean record.</summary>
    None,

    /// <summary>Malformed: the record has no <c>key</c> property.</summary>
    MissingKey,

    /// <summary>Malformed: <c>calldate</c> is <c>"not-a-date"</c>.</summary>
    InvalidCallDate,

    /// <summary>Malformed: <c>answered</c> is an object instead of a boolean.</summary>
    WrongTypeAnswered,

    /// <summary>Valid: the key contains a slash, a hash and a control character (ids are untrusted but legal).</summary>
    UnusualKey,
}
