using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// Builds an SQE for each verb with named parameters, register loads and a save, so that nobody packs a flags word
/// by hand. Every specifier left unused is 7 (none).
/// </summary>
public static class Sqes
{
    /// <summary>Any op (custom verbs included) from its five operands.</summary>
    public static Sqe Create(
        uint op, Operand arg0 = default, Operand arg1 = default, Operand arg2 = default, Operand arg3 = default,
        Operand arg4 = default, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0)
    {
        var linkBits = link switch
        {
            SqeLink.None => 0u,
            SqeLink.Link => SqeFlags.Link,
            SqeLink.HardLink => SqeFlags.HardLink,
            _ => throw new ArgumentOutOfRangeException(nameof(link)),
        };
        return new Sqe
        {
            Timeout = timeout,
            Data = data,
            Op = op,
            Flags = SqeFlags.Compose(
                arg0.Register.Specifier, arg1.Register.Specifier, arg2.Register.Specifier,
                arg3.Register.Specifier, arg4.Register.Specifier, save.Specifier, linkBits),
            Arg0 = arg0.Value,
            Arg1 = arg1.Value,
            Arg2 = arg2.Value,
            Arg3 = arg3.Value,
            Arg4 = arg4.Value,
        };
    }

    /// <summary>NOP: result 0.</summary>
    public static Sqe Nop(Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Nop, save: save, link: link, data: data, timeout: timeout);

    /// <summary>READ <paramref name="count"/> bytes from <paramref name="fd"/> into <paramref name="buffer"/>; offset null means OFF_CUR.</summary>
    public static Sqe Read(
        Operand fd, Operand buffer, Operand count, Operand? offset = null, Reg save = default,
        SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Read, fd, buffer, count, offset ?? Abi.OffCur, default, save, link, data, timeout);

    /// <summary>WRITE <paramref name="count"/> bytes from <paramref name="buffer"/> to <paramref name="fd"/>; offset null means OFF_CUR.</summary>
    public static Sqe Write(
        Operand fd, Operand buffer, Operand count, Operand? offset = null, Reg save = default,
        SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Write, fd, buffer, count, offset ?? Abi.OffCur, default, save, link, data, timeout);

    /// <summary>POLL <paramref name="fd"/> for <paramref name="events"/>.</summary>
    public static Sqe Poll(
        Operand fd, Operand events, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Poll, fd, events, save: save, link: link, data: data, timeout: timeout);

    /// <summary>OPEN the path at <paramref name="path"/> (<paramref name="pathLength"/> bytes); dirfd null means FD_NONE.</summary>
    public static Sqe Open(
        Operand path, Operand pathLength, Operand flags, Operand? dirFd = null, Reg save = default,
        SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Open, dirFd ?? Abi.FdNone, path, pathLength, flags, default, save, link, data, timeout);

    /// <summary>OPEN the path held in <paramref name="path"/>.</summary>
    public static Sqe Open(
        UserBuffer path, Operand flags, Operand? dirFd = null, Reg save = default, SqeLink link = SqeLink.None,
        ulong data = 0, ulong timeout = 0) =>
        Open(path.Address, path.Length, flags, dirFd, save, link, data, timeout);

    /// <summary>CLOSE <paramref name="fd"/>.</summary>
    public static Sqe Close(Operand fd, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Close, fd, save: save, link: link, data: data, timeout: timeout);

    /// <summary>SEEK <paramref name="fd"/> to <paramref name="offset"/> from <paramref name="whence"/>.</summary>
    public static Sqe Seek(
        Operand fd, Operand offset, Operand whence, Reg save = default, SqeLink link = SqeLink.None,
        ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Seek, fd, default, default, offset, whence, save, link, data, timeout);

    /// <summary>CANCEL the pending SQEs whose data is <paramref name="tag"/>: all of them, or the oldest one.</summary>
    public static Sqe Cancel(
        Operand tag, Operand? mode = null, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Cancel, tag, mode ?? (ulong)CancelMode.All, save: save, link: link, data: data, timeout: timeout);

    /// <summary>FSYNC <paramref name="fd"/>: 0 once what was written through it is durable.</summary>
    public static Sqe Fsync(Operand fd, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Fsync, fd, save: save, link: link, data: data, timeout: timeout);

    /// <summary>
    /// LOOP (VerbRing's extension): runs the next <paramref name="body"/> SQEs of its chain while
    /// <paramref name="left"/> <paramref name="compare"/> <paramref name="right"/> holds, at most
    /// <paramref name="bound"/> times; the result is the number of iterations. The LOOP must link to its body, and
    /// every body SQE must carry SKIP_SUCCESS (<see cref="WithSkipSuccess"/>) — spec/semantics.md, "Loops".
    /// </summary>
    public static Sqe Loop(
        Operand left, LoopCompare compare, Operand right, ulong bound, ulong body, Reg save = default,
        SqeLink link = SqeLink.Link, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Loop, left, (ulong)compare, right, bound, body, save, link, data, timeout);

    /// <summary>ADD (VerbRing's extension): <paramref name="a"/> + <paramref name="b"/>.</summary>
    public static Sqe Add(Operand a, Operand b, Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Add, a, b, save: save, link: link, data: data, timeout: timeout);

    /// <summary>The same SQE with SKIP_SUCCESS: a success posts no CQE; a failure still does.</summary>
    public static Sqe WithSkipSuccess(this Sqe sqe)
    {
        sqe.Flags |= SqeFlags.SkipSuccess;
        return sqe;
    }

    /// <summary>The same SQE with DRAIN: the chain it heads starts only after every SQE consumed before it completed.</summary>
    public static Sqe WithDrain(this Sqe sqe)
    {
        sqe.Flags |= SqeFlags.Drain;
        return sqe;
    }

    /// <summary>PIPE: a new pipe; the result holds the read fd (low 32 bits) and the write fd (high 32 bits).</summary>
    public static Sqe Pipe(Reg save = default, SqeLink link = SqeLink.None, ulong data = 0, ulong timeout = 0) =>
        Create((uint)Op.Pipe, save: save, link: link, data: data, timeout: timeout);
}
