namespace VerbRing.Verbs;

/// <summary>What kind of value a verb parameter takes; decides which constants, names and checks apply.</summary>
public enum ParamKind
{
    /// <summary>A file descriptor.</summary>
    Fd,

    /// <summary>OPEN's directory descriptor; NONE is FD_NONE.</summary>
    DirFd,

    /// <summary>A user-memory address (a buffer or data name).</summary>
    Buffer,

    /// <summary>A byte count (an integer or <c>len(NAME)</c>).</summary>
    Count,

    /// <summary>READ/WRITE's offset: an unsigned integer or CUR (OFF_CUR).</summary>
    FileOffset,

    /// <summary>SEEK's signed offset.</summary>
    SignedOffset,

    /// <summary>SEEK's whence: SET, END, CUR.</summary>
    Whence,

    /// <summary>OPEN's flags: READ|WRITE|CREATE|TRUNCATE|APPEND|EXCLUSIVE.</summary>
    OpenFlags,

    /// <summary>POLL's events: READ|WRITE|ERROR|HUP|NVAL.</summary>
    PollEvents,

    /// <summary>A path: a string literal or data name, filling an address and a length argument.</summary>
    Path,

    /// <summary>A data tag (CANCEL's target).</summary>
    Tag,

    /// <summary>CANCEL's mode: ALL or ANY.</summary>
    CancelMode,

    /// <summary>Any 64-bit value.</summary>
    Value,

    /// <summary>LOOP's comparison: EQ, NE, LT, LE, GT, GE.</summary>
    Compare,

    /// <summary>LOOP's bound: a number of iterations, 1 to <see cref="Abi.MaxLoopIterations"/>, that the verifier can read.</summary>
    Bound,
}
