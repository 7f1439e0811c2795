namespace VerbRing.Verbs;

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
