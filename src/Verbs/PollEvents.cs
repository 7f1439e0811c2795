namespace VerbRing.Verbs;

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
