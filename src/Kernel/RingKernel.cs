using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// The kernel side of one ring, in the caller's process: enter consumes SQEs into the operation pool, links them
/// into chains, runs the chains and waits for completions. One enter at a time (EBUSY otherwise); teardown closes
/// every descriptor. Nothing user space writes into the region can make it throw.
/// </summary>
// Design: enter = [flush backlog] → [consume: copy SQEs, link, publish shead] → [run chain heads in order] → [wait].
// The kernel never reads its own cursors back from shared memory, only user space's (stail, chead), and treats
// those as hostile: a tail too far ahead is EINVAL, a head that makes no sense reads as a full CQ.
internal sealed class RingKernel : IRingPort
{
    private readonly SubmissionReader _submissions;
    private readonly CompletionWriter _completions;
    private readonly OperationPool _pool;
    private readonly ChainRunner _runner;
    private readonly FileTable _files;
    private readonly int[] _batch;
    private readonly uint _cqEntries;
    private int _busy;
    private bool _tornDown;

    public RingKernel(
        RingRegion region, RingOptions options, VerbTable verbs, INamespace fileSystem, TimeProvider time, IRingObserver? observer = null)
    {
        var ring = region.Descriptor;
        _cqEntries = ring.CqEntries;
        _pool = new OperationPool(options.EffectiveMaxInFlight);
        _submissions = new SubmissionReader(ring);
        _completions = new CompletionWriter(ring, _pool);
        _files = new FileTable(options.MaxDescriptors);
        _batch = new int[ring.SqEntries];
        var context = new RingContext(region, _files, fileSystem, time);
        _runner = new ChainRunner(_pool, _completions, verbs, context, region.Registers, observer);
    }

    /// <summary>Descriptors open now (for teardown checks).</summary>
    public int OpenDescriptors => _files.OpenCount;

    /// <summary>Operations holding a slot now.</summary>
    public int InFlight => _pool.InFlight;

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait)
    {
        // Interlocked: one enter at a time per ring; a second one (another thread, or re-entry) gets EBUSY.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        try
        {
            if (_tornDown || wait > _cqEntries)
            {
                return new EnterResult(0, Errno.EINVAL);
            }

            _completions.Flush();
            var consumed = 0u;
            var error = Errno.OK;
            if (amount > 0)
            {
                error = Submit(amount, out consumed);
            }

            var waited = WaitForCompletions(wait);
            return new EnterResult(consumed, error != Errno.OK ? error : waited);
        }
        finally
        {
            // Volatile.Write: release, everything this enter did is visible to the next one on any thread.
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Tears the ring down: waits for a running enter, then closes every descriptor.</summary>
    public void Dispose()
    {
        var spin = default(SpinWait);

        // Interlocked: take the enter lock for good; a running enter finishes first.
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        if (!_tornDown)
        {
            _tornDown = true;
            _files.CloseAll();
        }

        Volatile.Write(ref _busy, 0);
    }

    private Errno Submit(uint amount, out uint consumed)
    {
        consumed = 0;
        if (_completions.HasBacklog)
        {
            return Errno.EBUSY; // completions wait for CQ space: take nothing new until user space reaps.
        }

        if (_submissions.Queued() is not { } queued)
        {
            return Errno.EINVAL;
        }

        var wanted = Math.Min(amount, queued);
        var count = Math.Min(wanted, (uint)_pool.FreeCount);
        if (count == 0)
        {
            return wanted == 0 ? Errno.OK : Errno.EAGAIN;
        }

        var previousLinked = false;
        var previous = -1;
        for (var i = 0u; i < count; i++)
        {
            var index = _pool.Rent();
            ref var operation = ref _pool[index];
            _submissions.CopyOut(i, out operation.Sqe);
            if (previousLinked)
            {
                _pool[previous].Next = index;
                _batch[i] = ~index; // a successor: its predecessor runs it
            }
            else
            {
                _batch[i] = index; // a chain head
            }

            previousLinked = SqeFlags.IsLinked(operation.Sqe.Flags);
            previous = index;
        }

        _submissions.Advance(count);
        consumed = count;

        // Links never span enters: the last SQE's LINK was simply not followed (there is no successor to point to).
        for (var i = 0; i < count; i++)
        {
            if (_batch[i] >= 0)
            {
                _runner.Run(_batch[i]);
            }
        }

        return Errno.OK;
    }

    private Errno WaitForCompletions(uint wait)
    {
        _completions.Flush();

        // Every verb of this kernel completes during dispatch, so nothing that could post a CQE is left running:
        // a wait not met now can never be met, and saying so at once beats blocking until the enter timeout.
        return _completions.Unread >= wait ? Errno.OK : Errno.ETIMEDOUT;
    }
}
