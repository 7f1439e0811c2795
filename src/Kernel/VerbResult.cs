using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>What a verb produced: a result value, or an errno (then the value is <see cref="Abi.Err"/>, unless the failure was partial).</summary>
public readonly record struct VerbResult
{
    private VerbResult(ulong value, Errno error, bool pending = false)
    {
        Value = value;
        Error = error;
        IsPending = pending;
    }

    /// <summary>The result, or <see cref="Abi.Err"/> on failure (the valid part's result on a partial failure).</summary>
    public ulong Value { get; }

    /// <summary>OK or the errno.</summary>
    public Errno Error { get; }

    /// <summary>The verb parked its operation: it completes later (built-in verbs only).</summary>
    public bool IsPending { get; }

    /// <summary>The verb could not finish and parked its operation (see <c>VerbCall.Park</c>).</summary>
    internal static VerbResult Pending => new(0, Errno.OK, pending: true);

    /// <summary>Success with <paramref name="value"/>.</summary>
    public static VerbResult Ok(ulong value) => new(value, Errno.OK);

    /// <summary>Failure with <paramref name="error"/>.</summary>
    public static VerbResult Fail(Errno error) =>
        error == Errno.OK ? ThrowHelper.ThrowFailureWithoutErrno(nameof(error)) : new(Abi.Err, error);

    /// <summary>
    /// A failure after part of the work was done: the errno, and the result that is still valid (a WRITE's count
    /// written before the disk filled). The CQE carries both; the save register gets the result.
    /// </summary>
    public static VerbResult Partial(Errno error, ulong value) =>
        error == Errno.OK ? ThrowHelper.ThrowFailureWithoutErrno(nameof(error)) : new(value, error);

    /// <summary>Success with <paramref name="value"/> when <paramref name="error"/> is OK, else that failure.</summary>
    public static VerbResult From(Errno error, ulong value) => error == Errno.OK ? Ok(value) : Fail(error);
}
