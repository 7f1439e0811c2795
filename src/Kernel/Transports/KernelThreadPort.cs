using System.Runtime.ExceptionServices;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Kernel.Transports;

/// <summary>
/// A ring whose kernel runs on a thread of its own, like io_uring's SQPOLL: user space rings a doorbell with an
/// enter request, the kernel thread runs the same <see cref="RingKernel"/> (consume, run chains, wait), and rings
/// back. Same API and semantics as the in-process port; a real thread boundary sits in between.
/// </summary>
// Design: the server's doorbell page (spec/transport.md), inside one process. The user side publishes a request
// sequence, the kernel side answers by publishing the same sequence as its reply; each side writes the CPU it
// published from next to its sequence. A side waiting for the other's sequence to move spins within a SpinBudget
// fitted to the partner's answers, and only while spinning pays (not on a machine with more runnable threads than
// CPUs; the kernel thread follows the user side, spinning only while it is awake), then blocks on an event: a pure
// block costs tens of microseconds per wake on this kind of VM, a pure spin wastes a core on a two-core machine and
// is a time slice late on a crowded one. A side about to block announces it (Interlocked) and
// re-checks; the other side publishes (Interlocked) and then looks for the announcement — both use full fences, so
// one of them always sees the other and no wake-up is lost.
internal sealed class KernelThreadPort : IRingPort
{
    private readonly RingKernel _kernel;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _toKernel = new(false, 0);
    private readonly ManualResetEventSlim _toUser = new(false, 0);
    private SpinBudget _userBudget = SpinBudget.Leader(SpinHint.Process); // the user's wait for a reply; one enter at a time
    private SpinBudget _kernelBudget = SpinBudget.Follower(SpinHint.Process); // the kernel thread's wait for a request
    private int _busy;
    private int _request; // the sequence of the latest request; written by the user side
    private int _reply; // the sequence of the latest request answered; written by the kernel thread
    private int _userCpu = -1; // where the user side published its latest request (a hint)
    private int _kernelCpu = -1; // where the kernel thread published its latest reply (a hint)
    private int _kernelSleeping;
    private int _userSleeping;
    private bool _stopping;
    private bool _exited;
    private uint _amount;
    private uint _wait;
    private TimeSpan _timeout;
    private EnterResult _result;
    private ExceptionDispatchInfo? _fault; // what the enter threw on the kernel thread (an observer's bug), rethrown to the caller

    public KernelThreadPort(RingKernel kernel)
    {
        _kernel = kernel;
        _thread = new Thread(KernelLoop) { IsBackground = true, Name = "verbring-kernel" };
        _thread.Start();
    }

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        // A verb entering its own ring (on the kernel thread, or on a timer's thread resuming its chain) is EBUSY,
        // and so is a second enter: one at a time (Interlocked).
        if (_kernel.IsRunningOnCurrentThread || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        try
        {
            // Volatile.Read: Dispose has begun; the kernel thread may already be gone.
            if (Volatile.Read(ref _stopping))
            {
                return new EnterResult(0, Errno.EINVAL);
            }

            _amount = amount;
            _wait = wait;
            _timeout = timeout;
            var answered = _request; // our own word (the busy flag orders enters); every earlier request was answered
            var sequence = unchecked(answered + 1);
            Publish(ref _request, sequence, ref _userCpu, ref _kernelSleeping, _toKernel);

            // Volatile.Read: the kernel thread's CPU as it answered last (a hint for the spin).
            if (!_userBudget.Spin(ref _reply, answered, Volatile.Read(ref _kernelCpu)))
            {
                Block(ref _reply, answered, ref _exited, ref _userSleeping, _toUser);
            }

            // Volatile.Read: acquire — the result, written before the reply's sequence, is visible once we see it.
            if (Volatile.Read(ref _reply) != sequence)
            {
                return new EnterResult(0, Errno.EINVAL); // torn down before the kernel thread took the request
            }

            // What the enter threw on the kernel thread (a custom observer's or verb's own exception that the kernel
            // lets through, as it does in-process) reaches the caller, not the kernel thread, whose death would
            // take the process with it. Written before the reply's sequence, like _result.
            if (_fault is { } fault)
            {
                _fault = null;
                fault.Throw();
            }

            return _result;
        }
        finally
        {
            // Volatile.Write: release, the next enter sees everything this one did.
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Tears the kernel down (which ends any enter it is running), then stops and joins its thread.</summary>
    public void Dispose() => Close(static () => { });

    /// <summary>
    /// As <see cref="Dispose"/>, then <paramref name="release"/> (the region). Called inside the kernel — on the
    /// kernel thread (a verb, an observer) or in a timer callback resuming a chain — the kernel defers its teardown
    /// to when that thread lets go; the thread is then stopped but not joined (it may be this very thread, or be
    /// waiting for this one), and ends by itself as soon as its enter has answered.
    /// </summary>
    public void Close(Action release)
    {
        // Volatile.Write: the kernel thread sees it at its next look, at the latest once its spin runs out (100 µs).
        Volatile.Write(ref _stopping, true);
        if (Thread.CurrentThread == _thread || _kernel.IsRunningOnCurrentThread)
        {
            _toKernel.Set();
            _kernel.Close(release);
            return;
        }

        try
        {
            _kernel.Dispose();
            _toKernel.Set();
            _thread.Join();
        }
        finally
        {
            release();
        }
    }

    private void KernelLoop()
    {
        var served = 0;
        while (true)
        {
            // Volatile.Read (both): whether the user side sleeps, and its CPU as it rang last (hints for the spin).
            if (!_kernelBudget.Spin(ref _request, served, Volatile.Read(ref _userCpu), Volatile.Read(ref _userSleeping) != 0))
            {
                Block(ref _request, served, ref _stopping, ref _kernelSleeping, _toKernel);
            }

            // Volatile.Read: acquire — amount, wait and timeout, written before the request's sequence, are visible with it.
            var sequence = Volatile.Read(ref _request);
            if (sequence != served)
            {
                try
                {
                    _result = _kernel.Enter(_amount, _wait, _timeout);
                }
#pragma warning disable CA1031 // Not handled here: carried to the caller's thread and rethrown there (Enter).
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _result = default;
                    _fault = ExceptionDispatchInfo.Capture(e);
                }

                Publish(ref _reply, sequence, ref _kernelCpu, ref _userSleeping, _toUser);
                served = sequence;
            }
            else
            {
                // Stopping. A request published after our last look gets its answer from the user side: we are gone.
                // Volatile.Write: released before the Set below, so a user side woken by it, or one that re-checks
                // after its Reset (ordered after this Set on the event's state), sees that we are gone.
                Volatile.Write(ref _exited, true);
                _toUser.Set();
                return;
            }
        }
    }

    /// <summary>
    /// Publishes <paramref name="sequence"/> in <paramref name="word"/>, with the CPU we publish from in
    /// <paramref name="cpu"/>, and wakes the partner through <paramref name="doorbell"/> if it announced sleep in
    /// <paramref name="partnerSleeping"/>. What was written before is visible to the partner once it sees the sequence.
    /// </summary>
    private static void Publish(ref int word, int sequence, ref int cpu, ref int partnerSleeping, ManualResetEventSlim doorbell)
    {
        cpu = Thread.GetCurrentProcessorId(); // a plain store, published by the fence below with the sequence

        // Interlocked: a full fence — releases what was written before (the request or the answer) with the
        // sequence, and keeps the read of the partner's flag below from moving above the store (Dekker).
        Interlocked.Exchange(ref word, sequence);

        // Volatile.Read: the partner's flag, read after our store is visible; set → it sleeps or is about to.
        if (Volatile.Read(ref partnerSleeping) != 0)
        {
            doorbell.Set();
        }
    }

    /// <summary>
    /// Blocks on <paramref name="doorbell"/> until <paramref name="word"/> moves from <paramref name="seen"/> or
    /// <paramref name="gone"/> is set, announcing the sleep in <paramref name="sleeping"/>.
    /// </summary>
    private static void Block(ref int word, int seen, ref bool gone, ref int sleeping, ManualResetEventSlim doorbell)
    {
        // Volatile.Read (both): acquire — the partner's writes before its sequence or its flag are visible with it.
        while (Volatile.Read(ref word) == seen && !Volatile.Read(ref gone))
        {
            // A Set that comes after this Reset is one we must not miss; a stale one only costs a look more.
            doorbell.Reset();

            // Interlocked: announce the sleep with a full fence, then re-check, so a publisher cannot slip between.
            Interlocked.Exchange(ref sleeping, 1);
            if (Volatile.Read(ref word) == seen && !Volatile.Read(ref gone))
            {
                doorbell.Wait();
            }

            // Volatile.Write: awake again; a publisher that still sees the flag sets the event once for nothing.
            Volatile.Write(ref sleeping, 0);
        }
    }
}
