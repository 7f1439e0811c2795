using System.Diagnostics;
using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The kernel's end of the CQ, where the path's last step (<c>ChainRunner.Publish</c>, Completion.cs) writes. It
/// never drops a completion: one that finds the CQ full waits in an in-order backlog (linked through the operation
/// slots it still holds) and is written as user space frees slots. While the backlog is not empty, new completions
/// queue behind it, so CQEs always arrive in completion order.
/// </summary>
internal sealed unsafe class CompletionWriter
{
    private readonly RingDescriptor _ring;
    private readonly OperationPool _pool;
    private readonly KernelCounters? _counters;
    private uint _tail;
    private uint _space; // CQ slots known free: chead is read again only when these run out
    private int _backlogHead = -1;
    private int _backlogTail = -1;

    public CompletionWriter(RingDescriptor ring, OperationPool pool, KernelCounters? counters = null)
    {
        _ring = ring;
        _pool = pool;
        _counters = counters;
    }

    /// <summary>Whether completions are waiting for CQ space.</summary>
    public bool HasBacklog => _backlogHead >= 0;

    /// <summary>How many completions wait for CQ space (each still holds its operation slot).</summary>
    public int BacklogCount { get; private set; }

    /// <summary>CQEs published and not yet popped; a corrupted <c>chead</c> reads as a full CQ.</summary>
    public uint Unread
    {
        get
        {
            // Volatile.Read: acquire, pairs with cqe_pop's release: the slots before chead are free to reuse.
            var unread = _tail - Volatile.Read(ref _ring.CHead);
            return Math.Min(unread, _ring.CqEntries);
        }
    }

    /// <summary>Queues the completion of operation <paramref name="index"/> at the end of the backlog (it keeps its slot).</summary>
    public void Backlog(int index, Errno error, ulong result)
    {
        ref var operation = ref _pool[index];
        Debug.Assert(operation.State == OperationState.Completed, "only a completed operation waits in the backlog");
        operation.Error = error;
        operation.Result = result;
        operation.BacklogNext = -1;
        BacklogCount++;
        if (_backlogTail >= 0)
        {
            _pool[_backlogTail].BacklogNext = index;
        }
        else
        {
            _backlogHead = index;
        }

        _backlogTail = index;
    }

    /// <summary>
    /// Writes a completion; false when it must wait in the backlog (the CQ is full, or older completions wait
    /// there): the caller then gives it a slot, if it has none, and <see cref="Backlog"/>s it.
    /// </summary>
    public bool TryPost(uint op, ulong data, Errno error, ulong result) =>
        !HasBacklog && TryWrite(op, data, error, result);

    /// <summary>The operations in the backlog, oldest first (for self-checks).</summary>
    public List<int> BacklogIndices()
    {
        var list = new List<int>();
        for (var i = _backlogHead; i >= 0 && list.Count <= _pool.Capacity; i = _pool[i].BacklogNext)
        {
            list.Add(i);
        }

        return list;
    }

    /// <summary>Writes as much of the backlog as the CQ has room for.</summary>
    /// <remarks>Every enter calls it; the check inlines, the loop (which the JIT does not inline) runs only with a backlog.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Flush()
    {
        if (_backlogHead >= 0)
        {
            FlushBacklog();
        }
    }

    private void FlushBacklog()
    {
        while (_backlogHead >= 0 && TryWrite(in _pool[_backlogHead]))
        {
            var written = _backlogHead;
            BacklogCount--;
            _backlogHead = _pool[written].BacklogNext;
            if (_backlogHead < 0)
            {
                _backlogTail = -1;
            }

            _pool.Return(written);
        }
    }

    private bool TryWrite(in Operation operation) =>
        TryWrite(operation.Sqe.Op, operation.Sqe.Data, operation.Error, operation.Result);

    private bool TryWrite(uint op, ulong data, Errno error, ulong result)
    {
        if (_space == 0)
        {
            // A hostile chead (ahead of ctail, or far behind) reads as a full CQ through Unread's clamp.
            _space = _ring.CqEntries - Unread;
            if (_space == 0)
            {
                return false;
            }
        }

        _space--;
        if (error != Errno.OK)
        {
            _counters?.CountError(op); // a plain field: the writer runs under the ring's lock
        }

        _ring.CqQueue[_tail & _ring.CqMask] = new Cqe
        {
            Op = op,
            Error = (int)error,
            Data = data,
            Result = result,
        };
        _tail++;

        // Volatile.Write: release, the CQE's bytes (and any register saved before it) precede the new ctail.
        Volatile.Write(ref _ring.CTail, _tail);
        return true;
    }
}
