using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// One SQE in flight: its private copy (taken once from shared memory), its chain successor, and — once it has
/// completed — the CQE it still owes while the CQ is full.
/// </summary>
internal struct Operation
{
    /// <summary>The SQE as copied out of the SQ; the slot in shared memory is never read again.</summary>
    public Sqe Sqe;

    /// <summary>The next member of its chain, or -1.</summary>
    public int Next;

    /// <summary>The completion's error, once completed.</summary>
    public Errno Error;

    /// <summary>The completion's result, once completed.</summary>
    public ulong Result;

    /// <summary>The next completed operation waiting for CQ space, or -1.</summary>
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

    /// <summary>Takes a free slot; the caller checked <see cref="FreeCount"/>.</summary>
    public int Rent()
    {
        var index = _free[--_freeCount];
        ref var operation = ref _operations[index];
        operation.Next = -1;
        operation.BacklogNext = -1;
        return index;
    }

    /// <summary>Returns a slot whose CQE has been published.</summary>
    public void Return(int index)
    {
        _operations[index] = default;
        _free[_freeCount++] = index;
    }
}
