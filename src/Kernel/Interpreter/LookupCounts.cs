namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// What the interpreter's look-ups of other operations have cost on a ring so far: the entries DRAIN's release check
/// looked at (OperationPool.Order.cs), the slots CANCEL's lookup looked at (OperationPool.Tags.cs), and what waking
/// parked operations cost (WaitQueue.cs): each retry of a parked operation, each one a wake passed over. Diagnostics
/// only; the tests prove with them that an enter's work grows linearly with what is in flight, not quadratically.
/// </summary>
/// <param name="DrainVisits">Entries of the consumption order the DRAIN check looked at.</param>
/// <param name="CancelVisits">Slots the CANCEL lookup looked at.</param>
/// <param name="WakeRetries">Retries of parked operations (each runs its verb again).</param>
/// <param name="WakeVisits">Parked operations a wake looked at one by one and left parked, without a retry.</param>
internal readonly record struct LookupCounts(long DrainVisits, long CancelVisits, long WakeRetries, long WakeVisits);
