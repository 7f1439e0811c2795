namespace VerbRing.Verbs;

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
