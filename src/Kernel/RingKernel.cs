using System.Runtime.CompilerServices;
using VerbRing.Kernel.Files;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// The kernel side of one ring, in the caller's process: enter consumes SQEs into the operation pool, links them
/// into chains, runs the chains and waits for completions. One enter at a time (EBUSY otherwise); timers complete
/// pending operations between enters too. Teardown cancels what is pending and closes every descriptor; asked for
/// from inside the kernel itself (a verb, an observer, a timer callback), it waits for that kernel to let go. Nothing
/// user space writes into the region can make it throw.
/// </summary>
// This file: enter and waiting. RingKernel.Teardown.cs: Dispose and the deferred teardown. RingKernel.Diagnostics.cs:
// the self-checks and descriptions tests use.
// Design: enter = [flush backlog] → [consume: copy the SQEs out, publish shead] → [run them: ChainRunner.Run, the
// fast half from the copies while it can, the rest on its slow half in slots] → [wait].
// One lock guards every piece of ring state; enter holds it while it works and drops it while it waits, so a timer
// (on the clock's thread) can complete operations and wake it. The kernel never reads its own cursors back from
// shared memory, only user space's (stail, chead), and treats those as hostile.
internal sealed partial class RingKernel : IRingPort
{
    private static readonly TimeSpan AbandonCheckInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest a timer can be armed for (about 49 days); a longer wait is as good as none.</summary>
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Lock _sync = new();
    private readonly ManualResetEventSlim _progress = new(false);
    private readonly SubmissionReader _submissions;
    private readonly CompletionWriter _completions;
    private readonly OperationPool _pool;
    private readonly ChainRunner _runner;
    private readonly FileTable _files;
    private readonly RingContext _context;
    private readonly TimeProvider _time;
    private readonly TimeSpan _enterTimeout;
    private readonly Sqe[] _staged;
    private readonly uint _cqEntries;
    private readonly KernelCounters _counters = new();
    private int _busy;
    private int _enterThread; // the managed id of the thread whose enter blocks in its wait, 0 otherwise
    private int _deferred; // 1: a Dispose on the kernel's own thread left the teardown for when that thread lets go
    private Action? _afterTeardown; // what deferred Disposes free once the teardown is done (the region); under the lock
    private volatile bool _closing;
    private bool _tornDown;

    public RingKernel(
        RingRegion region, RingOptions options, VerbTable verbs, INamespace fileSystem, TimeProvider time, IRingObserver? observer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PipeCapacity, 1, nameof(options.PipeCapacity));
        if (options.EnterTimeout < TimeSpan.Zero && options.EnterTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EnterTimeout, "EnterTimeout is a positive duration or infinite.");
        }

        var ring = region.Descriptor;
        _cqEntries = ring.CqEntries;
        _time = time;
        _enterTimeout = options.EnterTimeout;
        _pool = new OperationPool((int)Math.Max(ring.SqEntries, ring.CqEntries));
        _submissions = new SubmissionReader(ring);
        _completions = new CompletionWriter(ring, _pool, _counters);
        _counters.Completions = _completions;
        _files = new FileTable(options.MaxDescriptors);
        _staged = new Sqe[ring.SqEntries];
        var policy = options.Policy ?? throw new ArgumentNullException(nameof(options), "RingOptions.Policy is required.");
        _context = new RingContext(region, _files, policy.View(fileSystem), time) { PipeCapacity = options.PipeCapacity, HostBytes = policy.HostBytes };
        _runner = new ChainRunner(
            new RunnerQueues(_staged, _pool, _completions),
            new Validation(verbs, policy.PermittedOps(verbs), region.Registers),
            new WaitRules(time, OnTimer, options.EffectiveMaxInFlight, options.EnterTimeout),
            _context,
            observer);
        RingCounts.Track(_counters); // last: a constructor that throws leaves nothing counted
    }

    /// <summary>
    /// Whether enter runs SQEs on the interpreter's fast half (the default). Off, every SQE takes the slow half; the
    /// tests turn it off to prove that both halves complete the same programs alike.
    /// </summary>
    internal bool FastPath
    {
        get => _runner.FastPath;
        set => _runner.FastPath = value;
    }

    /// <summary>What the fast half has done so far (diagnostics; see <see cref="FastPathCounts"/>).</summary>
    internal FastPathCounts FastPathCounts
    {
        get
        {
            lock (_sync)
            {
                return _runner.Counts;
            }
        }
    }

    /// <summary>What DRAIN's and CANCEL's look-ups have cost so far (diagnostics; see <see cref="LookupCounts"/>).</summary>
    internal LookupCounts LookupCounts
    {
        get
        {
            lock (_sync)
            {
                return _runner.Lookups;
            }
        }
    }

    /// <summary>Descriptors open now.</summary>
    public int OpenDescriptors
    {
        get
        {
            lock (_sync)
            {
                return _files.OpenCount;
            }
        }
    }

    /// <summary>Operations holding a slot now.</summary>
    public int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _pool.InFlight;
            }
        }
    }

    /// <summary>Pipes with an end still open.</summary>
    public int LivePipes
    {
        get
        {
            lock (_sync)
            {
                return _context.LivePipes;
            }
        }
    }

    /// <summary>Whether a Dispose has begun: the ring takes no more enters and runs nothing more on its timers.</summary>
    internal bool IsClosed => _closing;

    /// <summary>Whether the calling thread is running this ring's kernel right now (a verb, a timer callback).</summary>
    public bool IsRunningOnCurrentThread => _sync.IsHeldByCurrentThread;

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait) => Enter(amount, wait, Timeout.InfiniteTimeSpan, abandoned: null);

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout) => Enter(amount, wait, timeout, abandoned: null);

    /// <summary>
    /// Enter for a kernel serving another process: while it waits, it asks <paramref name="abandoned"/> every
    /// 20 ms whether the caller went away, and if so stops with ECANCELED (the caller then tears the ring down).
    /// </summary>
    internal EnterResult Enter(uint amount, uint wait, TimeSpan timeout, Func<bool>? abandoned)
    {
        // A verb that enters its own ring is refused, also when a timer (not an enter) is running its chain.
        if (_sync.IsHeldByCurrentThread)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        // Interlocked: one enter at a time per ring; a second one (another thread, or re-entry) gets EBUSY.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        var tornDown = false;
        try
        {
            if (_closing || wait > _cqEntries || (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan))
            {
                return new EnterResult(0, Errno.EINVAL);
            }

            var consumed = 0u;
            var error = Errno.OK;
            bool satisfied;
            lock (_sync)
            {
                _completions.Flush();
                if (amount > 0)
                {
                    error = Submit(amount, out consumed);
                }

                // The common case — everything asked for completed during the submit — answers under the same lock.
                satisfied = wait == 0 || _completions.Unread >= wait;
                _counters.CountEnter(consumed); // plain fields: one enter at a time, under the lock
            }

            // Volatile.Read (both): a Dispose deferred to the end of this enter — by its verb or observer (then it does
            // not wait), or by a timer's chain while it waited — is made under the lock, which this enter has let go.
            // The teardown runs before we return: the ring is gone, and the enter says so.
            var waited = satisfied || Volatile.Read(ref _deferred) != 0 ? Errno.OK : WaitForCompletions(wait, WaitLimit(timeout), abandoned);
            var result = new EnterResult(consumed, error != Errno.OK ? error : waited);
            tornDown = Volatile.Read(ref _deferred) != 0 && FinishDeferredTeardown(ownsBusy: true);
            return tornDown ? result with { Error = Errno.ECANCELED } : result;
        }
        finally
        {
            // An observer (or custom verb) that disposed the ring and then threw: its exception passes through here,
            // and the teardown it deferred still runs before the busy flag goes (else nothing would ever run it).
            // Volatile.Read: set under the lock, which this thread has let go.
            if (!tornDown && Volatile.Read(ref _deferred) != 0)
            {
                FinishDeferredTeardown(ownsBusy: true);
            }

            // Volatile.Write: release, everything this enter did is visible to the next one on any thread.
            Volatile.Write(ref _busy, 0);
        }
    }

    private void OnTimer(int index, int generation)
    {
        var ran = false;
        try
        {
            lock (_sync)
            {
                // Closed (a Dispose began, its teardown still to come): nothing more runs; the teardown cancels the operation.
                if (_tornDown || _closing)
                {
                    return;
                }

                ran = true;
                _runner.TimeOut(index, generation);
            }

            _progress.Set();
        }
        finally
        {
            if (ran)
            {
                FinishDeferredTeardown(ownsBusy: false); // a verb or an observer of this callback disposed the ring, even one that threw then
            }
        }
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

        // Consumption never waits for a slot: the pool grows, and a verb that would pend past the ring's limit on
        // waiting operations completes with EAGAIN instead (ChainRunner.TryPark, Waiting.cs). So nothing queued is ever stuck.
        var count = Math.Min(amount, queued);
        if (count == 0)
        {
            return Errno.OK;
        }

        // Each SQE is copied once, all of them before shead is published and before any runs: what user space writes
        // into a slot afterwards changes nothing. The interpreter runs them from those copies.
        _submissions.Take(_staged.AsSpan(0, (int)count));
        consumed = count;
        _runner.Run(count);
        return Errno.OK;
    }

    /// <summary>How long a wait may last: the enter's own timeout or the ring's, whichever is shorter (infinite: none).</summary>
    private TimeSpan WaitLimit(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || (_enterTimeout != Timeout.InfiniteTimeSpan && _enterTimeout < timeout) ? _enterTimeout : timeout;

    /// <summary>Blocks until <paramref name="wait"/> CQEs are unread, <paramref name="limit"/> passes, or nothing more can come.</summary>
    private Errno WaitForCompletions(uint wait, TimeSpan limit, Func<bool>? abandoned)
    {
        // The common case answers at once and allocates nothing; only a wait that must block arms a timer.
        if (CheckWait(wait, expired: null) is { } answer)
        {
            return answer;
        }

        if (limit == TimeSpan.Zero)
        {
            return Errno.ETIMEDOUT; // a zero timeout polls: what is there now, or ETIMEDOUT
        }

        // While it blocks, the enter's thread runs code outside the lock (the clock's timer, the abandoned check): a
        // Dispose reached from there must not wait for this enter. A plain store: only this thread compares the id
        // with its own (Close), and it clears it before leaving.
        _enterThread = Environment.CurrentManagedThreadId;
        try
        {
            return Block(wait, limit, abandoned);
        }
        finally
        {
            _enterThread = 0;
        }
    }

    /// <summary>The blocking part of <see cref="WaitForCompletions"/>: arms the deadline and waits for progress.</summary>
    private Errno Block(uint wait, TimeSpan limit, Func<bool>? abandoned)
    {
        var expired = new StrongBox<bool>(false);
        using var deadline = _time.CreateTimer(
            state =>
            {
                Volatile.Write(ref ((StrongBox<bool>)state!).Value, true);
                _progress.Set();
            },
            expired, limit <= MaxTimerDue ? limit : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var lastCheck = Environment.TickCount64;
        while (true)
        {
            if (abandoned is null)
            {
                _progress.Wait();
            }
            else
            {
                // Every 20 ms of wall time, whether completions arrive or not, ask whether the caller went away.
                _progress.Wait(AbandonCheckInterval);
                if (Environment.TickCount64 - lastCheck >= (long)AbandonCheckInterval.TotalMilliseconds)
                {
                    lastCheck = Environment.TickCount64;
                    if (abandoned())
                    {
                        return Errno.ECANCELED;
                    }
                }
            }

            if (CheckWait(wait, expired) is { } result)
            {
                return result;
            }
        }
    }

    /// <summary>The wait's answer if it has one now; null to keep waiting. Resets the progress signal under the lock.</summary>
    private Errno? CheckWait(uint wait, StrongBox<bool>? expired)
    {
        lock (_sync)
        {
            // Reset first, then read every condition: whatever happens after this point (a completion, the deadline
            // setting `expired` and then the signal) sets the signal again, so no wake-up is lost.
            _progress.Reset();
            _completions.Flush();
            if (_completions.Unread >= wait)
            {
                return Errno.OK;
            }

            if (_closing)
            {
                return Errno.ECANCELED;
            }

            // Nothing pending and nothing in the backlog: no CQE can ever arrive, so the wait cannot be met.
            return !_runner.HasUnfinished || (expired is not null && Volatile.Read(ref expired.Value)) ? Errno.ETIMEDOUT : null;
        }
    }
}
