using System.Runtime.InteropServices;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The pool's index by user_data: for each value, the slots holding an SQE with it, in consumption order — what
/// CANCEL looks up (spec/semantics.md, "CANCEL"), so that a CANCEL visits the operations with its tag, not the pool.
/// </summary>
// Design: an intrusive list through Operation.TagNext/TagPrev (the first slot's TagPrev is the last, so appending is
// O(1)) and a dictionary of first slots, kept where slots are rented and returned — the slow half; an SQE the fast
// half completes never holds a slot and pays nothing. Rents append, so each list is in rent order, which is
// consumption order. A slot may leave its list early (a body template, or a completed operation a CANCEL walked
// past: neither can be found again); TagPrev -1 says it is out. The dictionary reuses its entries once warm. User
// space picks the keys, so they are hashed with a per-process random seed (TagComparer), never by ulong's own hash.
internal sealed partial class OperationPool
{
    private readonly Dictionary<ulong, int> _tagHeads;

    /// <summary>Slots the CANCEL lookup has looked at so far (the tests prove with it that the work is linear).</summary>
    public long TagVisits { get; private set; }

    /// <summary>The first slot (in consumption order) holding <paramref name="tag"/> as its user_data, or -1.</summary>
    public int FirstWithTag(ulong tag) => _tagHeads.TryGetValue(tag, out var first) ? first : -1;

    /// <summary>Counts a slot a CANCEL lookup looked at.</summary>
    public void CountTagVisit() => TagVisits++;

    /// <summary>Takes a slot out of the index of its user_data (no CANCEL can find it any more); idempotent.</summary>
    public void RemoveTag(int index)
    {
        ref var operation = ref this[index];
        var previous = operation.TagPrev;
        if (previous < 0)
        {
            return;
        }

        var next = operation.TagNext;
        ref var first = ref CollectionsMarshal.GetValueRefOrNullRef(_tagHeads, operation.Sqe.Data);
        if (first == index)
        {
            if (next < 0)
            {
                _tagHeads.Remove(operation.Sqe.Data);
            }
            else
            {
                first = next;
                this[next].TagPrev = previous; // the new first one points at the last
            }
        }
        else
        {
            this[previous].TagNext = next;
            this[next >= 0 ? next : first].TagPrev = previous; // a successor's predecessor, or the first's "last"
        }

        operation.TagPrev = -1;
        operation.TagNext = -1;
    }

    /// <summary>Appends a slot just rented to the index of its user_data.</summary>
    private void AddTag(int index)
    {
        ref var operation = ref this[index];
        operation.TagNext = -1;
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_tagHeads, operation.Sqe.Data, out var exists);
        if (!exists)
        {
            first = index;
            operation.TagPrev = index; // alone: it is its own last
            return;
        }

        var last = this[first].TagPrev;
        this[last].TagNext = index;
        operation.TagPrev = last;
        this[first].TagPrev = index;
    }
}

/// <summary>
/// Hashes user_data for the index by user_data. <c>ulong.GetHashCode</c> folds the two halves together
/// (<c>lo ^ hi</c>), so user space could pick thousands of distinct tags with one hash and make every rent walk a
/// bucket chain; <see cref="HashCode"/> mixes both halves with a seed chosen at random per process.
/// </summary>
internal sealed class TagComparer : IEqualityComparer<ulong>
{
    public static readonly TagComparer Instance = new();

    public bool Equals(ulong x, ulong y) => x == y;

    public int GetHashCode(ulong obj) => HashCode.Combine((uint)obj, (uint)(obj >> 32));
}
