namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// What a ring's fast half has done (ChainRunner.RunFast): SQEs it ran, and each way one left it for a slot or handed
/// the rest of an enter to the slow half. Diagnostics only; the tests use them to show that every branch of it ran.
/// </summary>
internal struct FastPathCounts
{
    /// <summary>SQEs the fast half took: run, cancelled as members of a broken chain, or queued behind a pending one.</summary>
    public long Taken;

    /// <summary>Members of a broken chain it completed with ECANCELED without running them.</summary>
    public long CancelledMembers;

    /// <summary>SQEs whose verb pended, and so took a slot.</summary>
    public long Adopted;

    /// <summary>SQEs whose verb would have pended with the ring's waiting operations at their limit: EAGAIN, no slot.</summary>
    public long Refused;

    /// <summary>Chain members queued into a slot behind a pending predecessor.</summary>
    public long QueuedBehind;

    /// <summary>Completions that found the CQ full (or a backlog) and took a slot to wait in it.</summary>
    public long Backlogged;

    /// <summary>Enters whose rest went to the slow half because a CANCEL came next.</summary>
    public long HandedOverAtACancel;

    /// <summary>Enters whose rest went to the slow half because a step woke a parked operation.</summary>
    public long HandedOverAfterAWake;

    /// <summary>SQEs dispatched on the fast half (refused ones included): derived, so the loop counts nothing per SQE.</summary>
    public readonly long Ran => Taken - CancelledMembers - QueuedBehind;
}
