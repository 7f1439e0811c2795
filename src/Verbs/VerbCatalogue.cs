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

/// <summary>One named parameter of a verb: which argument it fills (a path fills <c>Arg</c> and <c>Arg + 1</c>).</summary>
/// <param name="Name">The parameter's name, as documentation and error messages use it.</param>
/// <param name="Kind">What it takes.</param>
/// <param name="Arg">The SQE argument index it fills.</param>
/// <param name="Default">Its value when a trailing parameter is left out; null when it is required.</param>
public sealed record VerbParam(string Name, ParamKind Kind, int Arg, ulong? Default = null);

/// <summary>A verb as programs name it: op code, name, parameters in their fixed order.</summary>
/// <param name="Op">The op code.</param>
/// <param name="Name">The name, lower case in programs, upper case in traces.</param>
/// <param name="Params">The parameters, required ones first.</param>
public sealed record VerbInfo(uint Op, string Name, IReadOnlyList<VerbParam> Params)
{
    /// <summary>How many parameters must be given.</summary>
    public int RequiredCount => Params.Count(p => p.Default is null);
}

/// <summary>
/// The catalogue of verbs programs can name, shared by the builder, the assembler and the disassembler. LOOP's fifth
/// argument, its body length, is no parameter: the assembler's <c>loop … end</c> block and the builder's body fill it.
/// </summary>
public static class VerbCatalogue
{
    /// <summary>Every built-in verb, by op code.</summary>
    public static IReadOnlyList<VerbInfo> All { get; } =
    [
        new((uint)Op.Nop, "nop", []),
        new((uint)Op.Read, "read", ReadWrite()),
        new((uint)Op.Write, "write", ReadWrite()),
        new((uint)Op.Poll, "poll", [new("fd", ParamKind.Fd, 0), new("events", ParamKind.PollEvents, 1)]),
        new((uint)Op.Open, "open", [
            new("path", ParamKind.Path, 1),
            new("flags", ParamKind.OpenFlags, 3, (ulong)OpenFlags.Read),
            new("dir", ParamKind.DirFd, 0, Abi.FdNone)]),
        new((uint)Op.Close, "close", [new("fd", ParamKind.Fd, 0)]),
        new((uint)Op.Seek, "seek", [
            new("fd", ParamKind.Fd, 0), new("offset", ParamKind.SignedOffset, 3), new("whence", ParamKind.Whence, 4)]),
        new((uint)Op.Cancel, "cancel", [new("tag", ParamKind.Tag, 0), new("mode", ParamKind.CancelMode, 1, (ulong)CancelMode.All)]),
        new((uint)Op.Pipe, "pipe", []),
        new((uint)Op.Fsync, "fsync", [new("fd", ParamKind.Fd, 0)]),
        new((uint)Op.Loop, "loop", [
            new("left", ParamKind.Value, 0), new("compare", ParamKind.Compare, 1), new("right", ParamKind.Value, 2),
            new("bound", ParamKind.Bound, 3)]),
        new((uint)Op.Add, "add", [new("a", ParamKind.Value, 0), new("b", ParamKind.Value, 1)]),
    ];

    /// <summary>The verb named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static VerbInfo? Find(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The verb with op code <paramref name="op"/>, or null.</summary>
    public static VerbInfo? Find(uint op) => op < (uint)All.Count ? All[(int)op] : null;

    /// <summary>The upper-case name of <paramref name="op"/> for traces, or "OP{n}".</summary>
    public static string NameOf(uint op) => Find(op)?.Name.ToUpperInvariant() ?? $"OP{op}";

    private static VerbParam[] ReadWrite() =>
    [
        new("fd", ParamKind.Fd, 0),
        new("buffer", ParamKind.Buffer, 1),
        new("count", ParamKind.Count, 2),
        new("offset", ParamKind.FileOffset, 3, Abi.OffCur),
    ];
}
