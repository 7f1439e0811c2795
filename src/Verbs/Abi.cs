namespace VerbRing.Verbs;

/// <summary>Open flags (arg3 of OPEN). VerbRing's own values; PatchworkOS has not fixed them yet.</summary>
[Flags]
public enum OpenFlags : ulong
{
    /// <summary>No flag (invalid on its own: READ or WRITE is required).</summary>
    None = 0,

    /// <summary>Open for reading.</summary>
    Read = 1,

    /// <summary>Open for writing.</summary>
    Write = 2,

    /// <summary>Create the file if it is missing.</summary>
    Create = 4,

    /// <summary>Cut the file to zero length (requires WRITE).</summary>
    Truncate = 8,

    /// <summary>Every write goes to the end of the file.</summary>
    Append = 16,

    /// <summary>With CREATE: fail with EEXIST if the file exists.</summary>
    Exclusive = 32,
}

/// <summary>SEEK's whence (arg4), with PatchworkOS's values.</summary>
public enum Whence : ulong
{
    /// <summary>From the start of the file.</summary>
    Set = 1,

    /// <summary>From the end of the file.</summary>
    End = 2,

    /// <summary>From the current position.</summary>
    Cur = 3,
}

/// <summary>POLL's events (arg1 and the result), with PatchworkOS's values.</summary>
[Flags]
public enum PollEvents : ulong
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary>Readable.</summary>
    Read = 1,

    /// <summary>Writable.</summary>
    Write = 2,

    /// <summary>An error condition.</summary>
    Error = 4,

    /// <summary>Hang-up: the other end is gone.</summary>
    Hup = 8,

    /// <summary>The descriptor is not open.</summary>
    Nval = 16,
}

/// <summary>CANCEL's mode (arg1).</summary>
public enum CancelMode : ulong
{
    /// <summary>Cancel every pending SQE with the tag.</summary>
    All = 1,

    /// <summary>Cancel the first (oldest) pending SQE with the tag.</summary>
    Any = 2,
}

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

/// <summary>Special argument values of the ABI.</summary>
public static class Abi
{
    /// <summary>READ/WRITE offset meaning "at the descriptor's position, then advance it" (<c>IO_OFF_CUR</c>).</summary>
    public const ulong OffCur = ulong.MaxValue;

    /// <summary>OPEN's dirfd meaning "relative to the root" (<c>FD_NONE</c>).</summary>
    public const ulong FdNone = ulong.MaxValue;

    /// <summary>The result and saved value of a failed verb (<c>ERR</c>).</summary>
    public const ulong Err = ulong.MaxValue;

    /// <summary>The longest path, in bytes.</summary>
    public const int MaxPath = 4096;

    /// <summary>The longest path component, in bytes.</summary>
    public const int MaxComponent = 255;

    /// <summary>The most iterations a LOOP may run (its bound, arg3, is 1 to this).</summary>
    public const ulong MaxLoopIterations = 65_536;

    /// <summary>The most SQEs a LOOP's body may hold (arg4 is 1 to this).</summary>
    public const ulong MaxLoopBody = 16;

    /// <summary>The relative timeouts that mean "none": 0 and UINT64_MAX.</summary>
    public static bool IsNoTimeout(ulong timeout) => timeout is 0 or ulong.MaxValue;
}
