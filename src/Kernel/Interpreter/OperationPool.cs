using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

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

    /// <summary>What a pending verb waits on (null: only its timeout or a cancel can end it).</summary>
    public WaitQueue? ParkedOn;

    /// <summary>What a pending verb resolved at dispatch (a pipe end), so a retry does not look the fd up again.</summary>
    public object? Target;

    public ITimer? Timer;
    public long Deadline;

    public Errno Error;
    public ulong Result;
    public int BacklogNext;
}

/// <summary>
/// A fixed pool of <see cref="Operation"/> slots, the ring's in-flight limit: an SQE holds a slot from the moment
/// it is consumed until its CQE lands in the CQ. Fixed size means the kernel's memory per ring is bounded.
/// </summary>
internal sealed class OperationPool
{
    private readonly Operation[] _operations;
    private readonly int[] _free;
    private int _freeCount;
    private ulong _sequence;

    public OperationPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _operations = new Operation[capacity];
        _free = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i; // pop order 0, 1, 2 … keeps traces readable
        }

        _freeCount = capacity;
    }

    public int Capacity => _operations.Length;

    public int FreeCount => _freeCount;

    public int InFlight => _operations.Length - _freeCount;

    public ref Operation this[int index] => ref _operations[index];

    /// <summary>Takes a free slot for a consumed SQE; the caller checked <see cref="FreeCount"/>.</summary>
    public int Rent()
    {
        var index = _free[--_freeCount];
        ref var operation = ref _operations[index];
        operation.State = OperationState.Queued;
        operation.Sequence = ++_sequence;
        operation.Next = -1;
        operation.Prev = -1;
        operation.BacklogNext = -1;
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
        ref var operation = ref _operations[index];
        operation.State = OperationState.Free;
        operation.Generation++;
        operation.CancelRequested = false;
        operation.InReady = false;
        operation.ParkedOn = null;
        operation.Target = null;
        operation.Timer = null;
        _free[_freeCount++] = index;
    }
}
