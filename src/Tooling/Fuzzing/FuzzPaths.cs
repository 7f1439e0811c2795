using System.Text;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// The paths a round's OPENs use — ordinary ones inside the sandbox and escape attempts (climbing, links out, a
/// chain and a loop of links, the decoy's real host path, embedded NUL, an over-long component) — at fixed slots of
/// the path area at the start of user memory. READs may scribble over them, so they are laid out again before every
/// enter. Slots are fixed so that a seed does the same thing whatever the run's folder is called.
/// </summary>
internal sealed class FuzzPaths
{
    /// <summary>User memory of a fuzz ring.</summary>
    public const uint UserMemory = 16 * 1024;

    /// <summary>Bytes at the start of user memory that hold the paths.</summary>
    public const uint AreaSize = 6 * 1024;

    /// <summary>The first address of the data area (buffers for READ and WRITE).</summary>
    public const ulong DataStart = RingLayout.UserBase + AreaSize;

    /// <summary>One past the last address of user memory.</summary>
    public const ulong End = RingLayout.UserBase + UserMemory;

    private const uint Slot = 64;
    private const uint LongSlot = 512;

    // The prefix under which the sandbox appears in the namespace: it is the root, with /mem (memory), /ro (its
    // "sub" folder, read-only) and /hidden (its "b" folder, hidden) mounted on it; see FuzzRound.CreateNamespace.
    private const string Inside = "";

    private static readonly string[] Ordinary =
    [
        $"{Inside}/a.txt", $"{Inside}/b/c.txt", $"{Inside}/b", $"{Inside}/b/d", $"{Inside}/b/d/new.txt", $"{Inside}/new.txt",
        "new2.txt", "c.txt", $"{Inside}/sub/data.txt", $"{Inside}/in-link/c.txt", $"{Inside}/in-file", $"{Inside}/", ".",
        $"{Inside}/empty", $"{Inside}/b/../a.txt", "b/.", $"{Inside}/a.txt/", $"{Inside}/missing/x",
        $"{Inside}/b/d/../../sub/./data.txt", "..\\decoy\\secret", $"{Inside}/%2e%2e/decoy/secret", "", "d/../c.txt",
        $"{Inside}/in-link/../in-file", "/mem/x", "/mem/d/../x", "/mem", "/ro/data.txt", "/ro/new.txt", "/ro/",
        "/ro/../a.txt", "/hidden/c.txt", "/hidden", "/mem/../b/c.txt", "/memx/a.txt",
        "/race-dir/planted", "/race-link/planted", // raced by the swapper: inside or refused, never outside
    ];

    private static readonly string[] Escapes =
    [
        $"{Inside}/../decoy/secret", $"{Inside}/link-out/secret", $"{Inside}/link-out/new.txt", $"{Inside}/link-out",
        $"{Inside}/link-out/.", $"{Inside}/abs-out/secret", $"{Inside}/file-out", $"{Inside}/file-out/",
        $"{Inside}/chain1/secret", $"{Inside}/chain1/x.txt", $"{Inside}/loop1", $"{Inside}/loop1/x",
        $"{Inside}/a.txt/../../x", $"{Inside}/b/up/secret", $"{Inside}/b/up/nested/deep.txt", $"{Inside}/sub\0/../../decoy/secret",
        $"{Inside}/../stolen.txt", $"{Inside}/./../../../decoy/nested/deep.txt", "//..//decoy//secret", "../decoy/secret",
        "../../decoy", "../stolen.txt", $"{Inside}/in-link/../../decoy/secret", "/mem/../../decoy/secret",
        "/ro/../../decoy/secret", "/hidden/up/secret", "/ro/../../../decoy", "/mem/../hidden/up/nested/deep.txt",
        "/via", "/via-sub/deep.txt", "/sub/deeper/up/secret", "/sub/deeper/up/planted", "/sub/abs/secret",
    ];

    private readonly FuzzPath[] _paths;

    /// <summary>Builds the table; <paramref name="decoyPath"/> is the decoy's real host path (tried as an absolute path).</summary>
    public FuzzPaths(string decoyPath)
    {
        var paths = new List<FuzzPath>();
        var address = RingLayout.UserBase;
        foreach (var path in Ordinary)
        {
            paths.Add(new FuzzPath(address, Encoding.UTF8.GetBytes(path), Escape: false));
            address += Slot;
        }

        foreach (var path in Escapes)
        {
            paths.Add(new FuzzPath(address, Encoding.UTF8.GetBytes(path), Escape: true));
            address += Slot;
        }

        // The long ones last, each in a slot of its own: an over-long component, and the decoy's host paths.
        foreach (var path in new[] { $"{Inside}/" + new string('a', Abi.MaxComponent + 45), decoyPath + "/secret", decoyPath })
        {
            var bytes = Encoding.UTF8.GetBytes(path);
            paths.Add(new FuzzPath(address, bytes.Length <= LongSlot ? bytes : bytes[..(int)LongSlot], Escape: true));
            address += LongSlot;
        }

        if (address > RingLayout.UserBase + AreaSize)
        {
            throw new InvalidOperationException("The path table does not fit its area.");
        }

        _paths = [.. paths];
    }

    /// <summary>Every path.</summary>
    public IReadOnlyList<FuzzPath> All => _paths;

    /// <summary>A random path.</summary>
    public FuzzPath Pick(Random random) => _paths[random.Next(_paths.Length)];

    /// <summary>Writes every path at its address (a round calls this before every enter).</summary>
    public void LayOut(UserMemory memory)
    {
        foreach (var path in _paths)
        {
            path.Bytes.CopyTo(memory.At(path.Address, (uint)path.Bytes.Length));
        }
    }

    /// <summary>
    /// The escape attempt an SQE makes, if it is an OPEN of an escape path with immediate arguments (and, for a
    /// relative path, no dirfd): OPEN must refuse it.
    /// </summary>
    public FuzzPath? EscapeOf(in Sqe sqe)
    {
        if (sqe.Op != (uint)Op.Open || (sqe.Flags & SqeFlags.ReservedMask) != 0
            || SqeFlags.LoadOf(sqe.Flags, 1) != SqeFlags.RegNone || SqeFlags.LoadOf(sqe.Flags, 2) != SqeFlags.RegNone
            || sqe.Arg1 < RingLayout.UserBase || sqe.Arg1 >= RingLayout.UserBase + AreaSize)
        {
            return null;
        }

        foreach (var path in _paths)
        {
            if (path.Escape && path.Address == sqe.Arg1 && path.Length == sqe.Arg2
                && (path.Absolute || (sqe.Arg0 == Abi.FdNone && SqeFlags.LoadOf(sqe.Flags, 0) == SqeFlags.RegNone)))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Whether a READ into [<paramref name="address"/>, +<paramref name="count"/>) may have changed a path.</summary>
    public static bool Overlaps(ulong address, ulong count) =>
        address < RingLayout.UserBase + AreaSize && address + count > RingLayout.UserBase;
}
