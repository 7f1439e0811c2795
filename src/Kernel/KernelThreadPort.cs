using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// A ring whose kernel runs on a thread of its own, like io_uring's SQPOLL: user space rings a doorbell with an
/// enter request, the kernel thread runs the same <see cref="RingKernel"/> (consume, run chains, wait), and rings
/// back. Same API and semantics as the in-process port; a real thread boundary sits in between.
/// </summary>
// Design: one request slot and two doorbells. Each side spins briefly before it blocks: a pure block costs tens of
// microseconds per wake on this kind of VM, a pure spin wastes a core on a two-core machine. A side about to block
// announces it (Interlocked) and re-checks; the other side publishes (Interlocked) and then looks for the
// announcement — both use full fences, so one of them always sees the other and no wake-up is lost.
internal sealed class KernelThreadPort : IRingPort
{
    private const int SpinIterations = 2000;

    private readonly RingKernel _kernel;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _toKernel = new(false, 0);
    private readonly ManualResetEventSlim _toUser = new(false, 0);
    private int _busy;
    private int _state; // Idle, Requested, Replied
    private int _kernelSleeping;
    private int _userSleeping;
    private volatile bool _stopping;
    private volatile bool _exited;
    private uint _amount;
    private uint _wait;
    private EnterResult _result;

    public KernelThreadPort(RingKernel kernel)
    {
        _kernel = kernel;
        _thread = new Thread(KernelLoop) { IsBackground = true, Name = "verbring-kernel" };
        _thread.Start();
    }

    private const int Idle = 0;
    private const int Requested = 1;
    private const int Replied = 2;

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait)
    {
        // A verb entering its own ring (on the kernel thread, or on a timer's thread resuming its chain) is EBUSY,
        // and so is a second enter: one at a time (Interlocked).
        if (_kernel.IsRunningOnCurrentThread || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        try
        {
            if (_stopping)
            {
                return new EnterResult(0, Errno.EINVAL);
            }

            _amount = amount;
            _wait = wait;

            // Interlocked: publishes the request (and the fields above) before we look whether the kernel sleeps.
            Interlocked.Exchange(ref _state, Requested);
            if (Volatile.Read(ref _kernelSleeping) != 0)
            {
                _toKernel.Set();
            }

            Await(static port => Volatile.Read(ref port._state) == Replied || port._exited, _toUser, ref _userSleeping);
            if (Volatile.Read(ref _state) != Replied)
            {
                return new EnterResult(0, Errno.EINVAL); // torn down before the kernel thread took the request
            }

            var result = _result;
            Volatile.Write(ref _state, Idle);
            return result;
        }
        finally
        {
            // Volatile.Write: release, the next enter sees everything this one did.
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Tears the kernel down (which ends any enter it is running), then stops and joins its thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _kernel.Dispose();
        _toKernel.Set();
        _thread.Join();
    }

    private void KernelLoop()
    {
        while (true)
        {
            Await(static port => port._stopping || Volatile.Read(ref port._state) == Requested, _toKernel, ref _kernelSleeping);
            if (Volatile.Read(ref _state) == Requested)
            {
                _result = _kernel.Enter(_amount, _wait);

                // Interlocked: publishes the result before we look whether the user thread sleeps.
                Interlocked.Exchange(ref _state, Replied);
                if (Volatile.Read(ref _userSleeping) != 0)
                {
                    _toUser.Set();
                }
            }
            else if (_stopping)
            {
                // A request published after our last look gets its answer from the user side: we are gone.
                _exited = true;
                _toUser.Set();
                return;
            }
        }
    }

    /// <summary>Spins a little, then blocks on <paramref name="doorbell"/> until <paramref name="ready"/> holds.</summary>
    /// <remarks>The predicates are static lambdas, cached once: waiting allocates nothing.</remarks>
    private void Await(Func<KernelThreadPort, bool> ready, ManualResetEventSlim doorbell, ref int sleeping)
    {
        for (var i = 0; i < SpinIterations; i++)
        {
            if (ready(this))
            {
                return;
            }

            Thread.SpinWait(8);
        }

        while (!ready(this))
        {
            doorbell.Reset();

            // Interlocked: announce the sleep with a full fence, then re-check, so a publisher cannot slip between.
            Interlocked.Exchange(ref sleeping, 1);
            if (!ready(this))
            {
                doorbell.Wait();
            }

            Interlocked.Exchange(ref sleeping, 0);
        }
    }
}
