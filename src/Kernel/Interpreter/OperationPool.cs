using System.Diagnostics;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>Where an operation is in its life.</summary>
internal enum OperationState : byte
{
    /// <summary>The slot is free.</summary>
    Free,

    /// <summary>Consumed, waiting for its chain predecessor to complete.</summary>
    Queued,

    /// <summary>Its verb is running now.</summary>
    Running,

    /// <summary>Its verb could not finish: parked until an event, a timeout or a cancel.</summary>
    Pending,

    /// <summary>Completed; its CQE waits in the backlog for CQ space.</summary>
    Completed,
}

/// <summary>
/// One SQE in flight: its private copy (taken once from shared memory), its arguments as loaded at dispatch, its
/// chain neighbours, and — while pending — what it waits on and its timer; once completed, the CQE it still owes
/// while the CQ is full.
/// </summary>
internal struct Operation
{
    public Sqe Sqe;
    public Arguments Args;
    public OperationState State;
    public TracedOutcome Outcome;

    /// <summary>Bumped each time the slot is freed: stale timers, wakes and cancels recognise themselves.</summary>
    public int Generation;

    /// <summary>Consumption order across the ring (CANCEL ANY picks the oldest).</summary>
    public ulong Sequence;

    public int Next;
    public int Prev;
    public bool InReady;
    public bool CancelRequested;

    /// <summary>Counted among the ring's waiting operations: it pended, or is queued behind one that did.</summary>
    public bool Waits;

    /// <summary>Consumed as a chain member (its predecessor in the same enter links to it): DRAIN on it is EINVAL.</summary>
    public bool Member;

    /// <summary>A copy of a LOOP's body member made for one iteration: the LOOP's slot; -1 for any other operation.</summary>
    public int LoopOf;

    /// <summary>For a LOOP: its state between its first check and its end.</summary>
    public LoopState Loop;

    /// <summary>What a pending verb waits on (null: only its timeout or a cancel can end it).</summary>
    public WaitQueue? ParkedOn;

    /// <summary>Its node in <see cref="ParkedOn"/> (meaningless when that is null).</summary>
    public int WaitNode;

    /// <summary>What a pending verb resolved at dispatch (a pipe end), so a retry does not look the fd up again.</summary>
    public object? Target;

    public ITimer? Timer;
    public long Deadline;

    public Errno Error;
    public ulong Result;
    public int BacklogNext;

    /// <summary>The next slot holding the same user_data, in consumption order (-1: the last); see OperationPool.Tags.cs.</summary>
    public int TagNext;

    /// <summary>The previous slot holding the same user_data (the first one's: the last one's); -1: not in that index.</summary>
    public int TagPrev;
}

/// <summary>
/// The pool of <see cref="Operation"/> slots: an SQE holds one from the moment it must outlive its dispatch (it
/// pends, waits behind one that pends, or its CQE finds the CQ full) until its CQE lands in the CQ. Slots are
/// fixed-size and pooled; the pool starts at the ring's queue size and grows on demand a chunk at a time, so a
/// rent never fails. What bounds it is the interpreter's limit on waiting operations (spec/semantics.md, "Limits").
/// </summary>
// Design: chunks, never one array that is copied when it grows — the interpreter holds `ref Operation`s across
// calls that may rent, and a chunk never moves. Steady state allocates nothing: growth only adds chunks.
internal sealed partial class OperationPool
{
    private readonly int _shift;
    private readonly int _mask;
    private Operation[][] _chunks;
    private int _chunkCount;
    private int[] _free;
    private int _freeCount;
    private ulong _sequence;

    /// <summary>A pool of at least <paramref name="initial"/> slots, grown in chunks of that size (a power of two).</summary>
    public OperationPool(int initial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, 1);
        var chunk = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)initial);
        _shift = System.Numerics.BitOperations.Log2((uint)chunk);
        _mask = chunk - 1;
        _chunks = new Operation[4][];
        _free = new int[chunk];
        _order = new (int, int)[chunk * 2];
        _tagHeads = new Dictionary<ulong, int>(chunk, TagComparer.Instance);
        Grow();
    }

    /// <summary>Slots the pool has now (in use or free); it grows past this on demand.</summary>
    public int Capacity => _chunkCount << _shift;

    public int FreeCount => _freeCount;

    public int InFlight => Capacity - _freeCount;

    public ref Operation this[int index] => ref _chunks[index >> _shift][index & _mask];

    /// <summary>
    /// Takes a free slot for <paramref name="sqe"/> (its private copy), growing the pool when none is left; the slot
    /// joins the consumption order (DRAIN) and the index by user_data (CANCEL).
    /// </summary>
    public int Rent(ref readonly Sqe sqe)
    {
        if (_freeCount == 0)
        {
            Grow();
        }

        var index = _free[--_freeCount];
        ref var operation = ref this[index];
        Debug.Assert(operation.State == OperationState.Free, "the free list holds only free slots");
        operation.State = OperationState.Queued;
        operation.Sequence = ++_sequence;
        operation.Next = -1;
        operation.Prev = -1;
        operation.BacklogNext = -1;
        operation.Member = false;
        operation.LoopOf = -1;
        operation.Loop = default;
        operation.Sqe = sqe;
        Remember(index);
        AddTag(index);
        return index;
    }

    /// <summary>The free slots (for self-checks).</summary>
    public ReadOnlySpan<int> FreeSlots => _free.AsSpan(0, _freeCount);

    /// <summary>Returns a slot whose CQE has been published.</summary>
    /// <remarks>
    /// Only what the next tenant would read before writing is reset (the references Complete already dropped are
    /// cleared again, so a slot never keeps an object alive); the SQE copy and the arguments are overwritten on
    /// the next consume and dispatch. Zeroing the whole slot cost more than the rest of a NOP.
    /// </remarks>
    public void Return(int index)
    {
        ref var operation = ref this[index];
        Debug.Assert(operation.State != OperationState.Free, "a slot is returned once");
        RemoveTag(index);
        operation.State = OperationState.Free;
        operation.Generation++;
        operation.CancelRequested = false;
        operation.InReady = false;
        operation.Waits = false;
        operation.LoopOf = -1;
        operation.ParkedOn = null;
        operation.Target = null;
        operation.Timer = null;
        _free[_freeCount++] = index;
    }

    /// <summary>Adds a chunk of free slots (cold: the pool only grows when every slot is in use).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Grow()
    {
        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        var size = _mask + 1;
        _chunks[_chunkCount] = new Operation[size];
        var first = _chunkCount << _shift;
        _chunkCount++;
        if (_free.Length < Capacity)
        {
            Array.Resize(ref _free, Capacity);
        }

        for (var i = size - 1; i >= 0; i--)
        {
            _free[_freeCount++] = first + i; // pop order first, first + 1 … keeps traces readable
            _chunks[_chunkCount - 1][i].TagPrev = -1; // not in the index by user_data
        }
    }
}
