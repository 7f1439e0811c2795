namespace VerbRing.Verbs;

/// <summary>LOOP's comparison (arg1): the loop runs its body again while <c>left compare right</c> holds (unsigned, 64-bit).</summary>
public enum LoopCompare : ulong
{
    /// <summary>left = right.</summary>
    Eq = 1,

    /// <summary>left ≠ right.</summary>
    Ne = 2,

    /// <summary>left &lt; right.</summary>
    Lt = 3,

    /// <summary>left ≤ right.</summary>
    Le = 4,

    /// <summary>left &gt; right.</summary>
    Gt = 5,

    /// <summary>left ≥ right.</summary>
    Ge = 6,
}
