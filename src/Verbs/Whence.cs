namespace VerbRing.Verbs;

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
