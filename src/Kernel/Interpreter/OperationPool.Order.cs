using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The pool's consumption order: every slot rented, as (slot, generation), oldest first — what DRAIN asks of the
/// pool (spec/semantics.md, "Drain"): has an operation consumed before this one not completed yet? The answer costs
/// O(1) amortized, not a walk of the pool.
/// </summary>
// Design: a ring buffer pushed at every rent; sequences rise in rent order, so it is sorted by sequence. An entry is
// stale once its tenant has completed (it never runs again in that generation) or the slot moved on (its generation
// changed); stale entries leave from the front as the question is asked, so each entry is looked at about once. An
// operation that never completes holds the front while rents go on behind it: a full buffer is compacted in place
// (stale entries dropped) and doubled only when still more than half full — live entries are at most the slots in
// use, so it settles at twice the pool's size and each compaction frees at least half: O(1) amortized per rent, and
// nothing allocated once warm.
internal sealed partial class OperationPool
{
    private (int Slot, int Generation)[] _order;
    private int _orderHead;
    private int _orderCount;

    /// <summary>Entries the DRAIN question has looked at so far (the tests prove with it that the work is linear).</summary>
    public long OrderVisits { get; private set; }

    /// <summary>
    /// Whether an operation consumed before the one in <paramref name="self"/> (which has not completed) has not
    /// completed either: queued, running or pending.
    /// </summary>
    public bool UnfinishedBefore(int self)
    {
        Debug.Assert(IsUnfinished(self, this[self].Generation), "only an unfinished operation asks what is before it");
        var mask = _order.Length - 1;
        while (_orderCount > 0) // self is in it (an unfinished operation is): bounded even if that ever broke
        {
            OrderVisits++;
            var (slot, generation) = _order[_orderHead];
            if (IsUnfinished(slot, generation))
            {
                return slot != self; // the oldest unfinished one: anything after self was consumed after it
            }

            _orderHead = (_orderHead + 1) & mask;
            _orderCount--;
        }

        Debug.Fail("an unfinished operation is in the consumption order");
        return false;
    }

    /// <summary>The unfinished operations in consumption order (for self-checks: each unfinished slot once).</summary>
    public List<int> UnfinishedInOrder()
    {
        var slots = new List<int>();
        for (var i = 0; i < _orderCount; i++)
        {
            var (slot, generation) = _order[(_orderHead + i) & (_order.Length - 1)];
            if (IsUnfinished(slot, generation))
            {
                slots.Add(slot);
            }
        }

        return slots;
    }

    /// <summary>Whether an operation has not completed: queued, running or pending — in the generation given.</summary>
    public bool IsUnfinished(int slot, int generation)
    {
        ref var operation = ref this[slot];
        return operation.Generation == generation
            && operation.State is OperationState.Queued or OperationState.Running or OperationState.Pending;
    }

    /// <summary>Appends a slot just rented to the consumption order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Remember(int index)
    {
        if (_orderCount == _order.Length)
        {
            MakeRoomSlow();
        }

        _order[(_orderHead + _orderCount) & (_order.Length - 1)] = (index, this[index].Generation);
        _orderCount++;
    }

    /// <summary>The buffer is full: drop the stale entries in place, and double it if it is still more than half full.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MakeRoomSlow()
    {
        var mask = _order.Length - 1;
        var kept = 0;
        for (var i = 0; i < _orderCount; i++)
        {
            var entry = _order[(_orderHead + i) & mask];
            if (IsUnfinished(entry.Slot, entry.Generation))
            {
                _order[(_orderHead + kept++) & mask] = entry; // never ahead of the entry read: order is kept
            }
        }

        _orderCount = kept;
        if (kept > _order.Length / 2)
        {
            var grown = new (int, int)[_order.Length * 2];
            for (var i = 0; i < kept; i++)
            {
                grown[i] = _order[(_orderHead + i) & mask];
            }

            _order = grown;
            _orderHead = 0;
        }
    }
}
