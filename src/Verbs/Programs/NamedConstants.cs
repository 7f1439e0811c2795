namespace VerbRing.Verbs.Programs;

/// <summary>
/// The named constants of each parameter kind, case-insensitive. A name is only a constant where its kind
/// belongs: <c>HUP</c> is a poll event and nothing else, so it cannot slip into open flags.
/// </summary>
internal static class NamedConstants
{
    private static readonly Dictionary<ParamKind, (string Name, ulong Value)[]> ByKind = new()
    {
        [ParamKind.OpenFlags] =
        [
            ("READ", (ulong)OpenFlags.Read), ("WRITE", (ulong)OpenFlags.Write), ("CREATE", (ulong)OpenFlags.Create),
            ("TRUNCATE", (ulong)OpenFlags.Truncate), ("APPEND", (ulong)OpenFlags.Append), ("EXCLUSIVE", (ulong)OpenFlags.Exclusive),
        ],
        [ParamKind.PollEvents] =
        [
            ("READ", (ulong)PollEvents.Read), ("WRITE", (ulong)PollEvents.Write), ("ERROR", (ulong)PollEvents.Error),
            ("HUP", (ulong)PollEvents.Hup), ("NVAL", (ulong)PollEvents.Nval),
        ],
        [ParamKind.Whence] = [("SET", (ulong)Whence.Set), ("END", (ulong)Whence.End), ("CUR", (ulong)Whence.Cur)],
        [ParamKind.FileOffset] = [("CUR", Abi.OffCur)],
        [ParamKind.DirFd] = [("NONE", Abi.FdNone)],
        [ParamKind.CancelMode] = [("ALL", (ulong)CancelMode.All), ("ANY", (ulong)CancelMode.Any)],
        [ParamKind.Compare] =
        [
            ("EQ", (ulong)LoopCompare.Eq), ("NE", (ulong)LoopCompare.Ne), ("LT", (ulong)LoopCompare.Lt),
            ("LE", (ulong)LoopCompare.Le), ("GT", (ulong)LoopCompare.Gt), ("GE", (ulong)LoopCompare.Ge),
        ],
    };

    /// <summary>Every constant name of any kind (such names cannot be symbol names).</summary>
    public static IReadOnlySet<string> AllNames { get; } =
        ByKind.Values.SelectMany(c => c.Select(x => x.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a kind's constants combine with <c>|</c>.</summary>
    public static bool IsFlags(ParamKind kind) => kind is ParamKind.OpenFlags or ParamKind.PollEvents;

    /// <summary>The constant <paramref name="name"/> of <paramref name="kind"/>, if there is one.</summary>
    public static bool TryFind(ParamKind kind, string name, out ulong value)
    {
        value = 0;
        if (!ByKind.TryGetValue(kind, out var constants))
        {
            return false;
        }

        foreach (var (n, v) in constants)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        return false;
    }

    /// <summary>The names of a kind's constants, for messages ("SET, END, CUR").</summary>
    public static string Describe(ParamKind kind) =>
        ByKind.TryGetValue(kind, out var constants) ? string.Join(IsFlags(kind) ? "|" : ", ", constants.Select(c => c.Name)) : "";

    /// <summary>Which kinds have a constant named <paramref name="name"/> (for "wrong kind" messages).</summary>
    public static IEnumerable<ParamKind> KindsOf(string name) =>
        ByKind.Where(k => k.Value.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))).Select(k => k.Key);

    /// <summary>
    /// Writes <paramref name="value"/> of <paramref name="kind"/> as constants when it is exactly a combination of
    /// them (the disassembler's view), else null.
    /// </summary>
    public static string? Format(ParamKind kind, ulong value)
    {
        if (!ByKind.TryGetValue(kind, out var constants))
        {
            return null;
        }

        if (!IsFlags(kind))
        {
            return constants.Where(c => c.Value == value).Select(c => c.Name).FirstOrDefault();
        }

        if (value == 0)
        {
            return null;
        }

        var names = new List<string>();
        var rest = value;
        foreach (var (name, bit) in constants)
        {
            if ((rest & bit) == bit)
            {
                names.Add(name);
                rest &= ~bit;
            }
        }

        return rest == 0 ? string.Join("|", names) : null;
    }
}
