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
