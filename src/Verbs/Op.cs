namespace VerbRing.Verbs;

/// <summary>The op codes of VerbRing's verbs. 0–3 are PatchworkOS HEAD's; 4–6 its documented OPEN, CLOSE, SEEK; 10 and 11 are VerbRing's own.</summary>
public enum Op : uint
{
    /// <summary>Does nothing; result 0.</summary>
    Nop = 0,

    /// <summary>fd, buffer, count, offset or OFF_CUR → bytes read.</summary>
    Read = 1,

    /// <summary>fd, buffer, count, offset or OFF_CUR → bytes written.</summary>
    Write = 2,

    /// <summary>fd, events → ready events.</summary>
    Poll = 3,

    /// <summary>dirfd or FD_NONE, path address, path length, open flags → the new fd.</summary>
    Open = 4,

    /// <summary>fd → 0.</summary>
    Close = 5,

    /// <summary>fd, –, –, offset (signed), whence → the new position.</summary>
    Seek = 6,

    /// <summary>tag, ALL or ANY → how many pending SQEs with that data tag were cancelled.</summary>
    Cancel = 7,

    /// <summary>— → a new pipe: read fd in the low 32 bits, write fd in the high 32 bits.</summary>
    Pipe = 8,

    /// <summary>fd → 0, once what was written through it is durable.</summary>
    Fsync = 9,

    /// <summary>
    /// VerbRing's extension: left, compare, right, bound, body → iterations. Runs the next <c>body</c> SQEs of its
    /// chain again and again while <c>left compare right</c> holds, at most <c>bound</c> times.
    /// </summary>
    Loop = 10,

    /// <summary>VerbRing's extension: a, b → a + b (small register arithmetic for loops: offsets, totals).</summary>
    Add = 11,
}
