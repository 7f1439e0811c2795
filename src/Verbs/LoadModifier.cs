namespace VerbRing.Verbs;

/// <summary>
/// What an argument's immediate means when the argument is loaded from a register (VerbRing's extension: the
/// immediate is otherwise ignored). Any other value completes the SQE with EINVAL.
/// </summary>
public enum LoadModifier : ulong
{
    /// <summary>The whole 64-bit register.</summary>
    Whole = 0,

    /// <summary>Its low 32 bits (a pipe's read fd).</summary>
    Low32 = 1,

    /// <summary>Its high 32 bits (a pipe's write fd).</summary>
    High32 = 2,
}
