using System.Diagnostics;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Operations parked on one event source (a pipe), in the order a wake retries them. A change of the source wakes
/// all of them (spec/semantics.md, "Verbs that wait"): each is retried in order, right after the step that woke it,
/// and one that still cannot finish parks again at the back. This queue gives exactly that order without retrying
/// the ones that cannot finish: the queue is a ring, and a wake is a cut in it, so "retry and park again at the back"
/// is moving the ring's front past an operation — O(1) for one, O(1) for all that are left when none of them can
/// finish (<see cref="TryNext"/>). Removal (cancel, timeout) unlinks a node in O(1). Guarded by the ring's lock.
/// </summary>
// Design: the ring holds operations (a slot and generation each) and cuts, one per wake still to be served. Read
// from the front it is: the operations the oldest pending wake retries, its cut, those of the next wake, its cut, …,
// then those parked since the last wake. Park inserts at the back (just before the front); a wake appends a cut and
// queues one token in the runner's ready queue (IWaker.Woken) where the old code queued every operation; serving
// that token (TryNext) yields, in ring order up to its cut, each operation whose retry may finish, and moves the
// front past the others — which is where a futile retry would have parked them again. Whether a retry may finish
// is asked of the source (IWaitSource) for the operation's WaitNeed; the answer may err only towards "yes" (a
// retry that then parks again is parked at the back, as before). Operations that wait for data, and those that
// wait for room, are also threaded on a list of their kind, in ring order, with a copy of every cut: when nothing is
// closed and a wake holds only one of those kinds besides operations that wait for a close (a pipe's READs and its
// WRITEs never wait at once), the front jumps to the next of that kind, passing the close waiters in O(1). Costs: a
// park, a removal, a wake O(1); serving a wake O(1) per operation it retries or per data/room waiter it finds
// unsatisfied (a WRITE that needs more room than another behind it). Nodes live in
// arrays of this queue, reused through a free list, so a park allocates nothing once the arrays have grown to the
// most this queue has held at once.
internal sealed class WaitQueue
{
    private const int None = -1;
    private const int Cut = -1; // the slot of a node that is a cut

    private readonly IWaker _waker;
    private readonly IWaitSource _source;
    private readonly Queue<int> _cuts = new(); // cut nodes of the wakes still to be served, oldest first
    private int[] _next = new int[4];
    private int[] _prev = new int[4];
    private int[] _slot = new int[4];
    private int[] _generation = new int[4];
    private WaitNeed[] _need = new WaitNeed[4];
    private bool[] _cancelled = new bool[4];
    private int[] _cancelStamp = new int[4]; // a cancelled node's: the wakes made before its cancel
    private int[] _kindNext = new int[4]; // the list of its kind (waiting for data, for room), or of a cut's copy
    private int[] _kindPrev = new int[4];
    private int[] _dataCut = new int[4]; // a cut's copy in the list of operations waiting for data
    private int[] _roomCut = new int[4]; // a cut's copy in the list of operations waiting for room
    private int _used; // nodes ever handed out (the arrays' high-water mark)
    private int _free = None; // free nodes, linked through _next
    private int _front = None;
    private int _dataFront = None; // the first node of the data list at or after _front, in ring order
    private int _roomFront = None; // the same for the room list
    private int _count; // operations (not cuts) in the ring
    private int _cancelledCount;
    private int _wakes; // cuts made so far (a cut's number is kept in its _generation)
    private int _countAny;
    private int _countData;
    private int _countRoom;
    private int _minData; // lower bounds of what the operations waiting for data, room need (reset when none is left)
    private int _minRoom;
    private int _roomPassed; // room waiters the wake being served passed one by one since it last yielded one
    private int _roomPassedMin; // the least room they need

    public WaitQueue(IWaker waker, IWaitSource source)
    {
        _waker = waker;
        _source = source;
    }

    /// <summary>Operations parked here (woken ones not yet retried included).</summary>
    public int Count => _count;

    /// <summary>Parks operation (<paramref name="index"/>, <paramref name="generation"/>) at the back; its node, for <see cref="Remove"/>.</summary>
    public int Park(int index, int generation, WaitNeed need)
    {
        var node = NewNode();
        _slot[node] = index;
        _generation[node] = generation;
        _need[node] = need;
        _cancelled[node] = false;
        Tally(need, +1);
        _count++;
        InsertBack(node);
        if (need.Kind == WaitKind.Data)
        {
            InsertBack(ref _dataFront, node);
        }
        else if (need.Kind == WaitKind.Room)
        {
            InsertBack(ref _roomFront, node);
        }

        CheckInvariants();
        return node;
    }

    /// <summary>Unparks an operation (it completes, or is retried through another path).</summary>
    public void Remove(int node, int index, int generation)
    {
        Debug.Assert(_slot[node] == index && _generation[node] == generation, "a node is removed by the operation it holds");
        Tally(_need[node], -1);
        _count--;
        if (_cancelled[node])
        {
            _cancelledCount--;
        }

        Unlink(node);
        if (_need[node].Kind == WaitKind.Data)
        {
            Unlink(ref _dataFront, node);
        }
        else if (_need[node].Kind == WaitKind.Room)
        {
            Unlink(ref _roomFront, node);
        }

        Free(node);
        CheckInvariants();
    }

    /// <summary>
    /// The source changed: every operation parked now will be retried, in order, when the runner reaches this wake
    /// in its ready queue. Nothing parked since the last wake: nothing to do (as when the old queue was empty).
    /// </summary>
    public void WakeAll()
    {
        if (_front == None || _slot[_prev[_front]] == Cut)
        {
            return; // nothing after the last cut
        }

        var cut = NewNode();
        _generation[cut] = ++_wakes; // numbers the cut, for MarkCancelled
        var dataCopy = NewNode(); // taken first: a node taken may grow the arrays written below
        var roomCopy = NewNode();
        _slot[cut] = Cut;
        _slot[dataCopy] = Cut;
        _slot[roomCopy] = Cut;
        _dataCut[cut] = dataCopy;
        _roomCut[cut] = roomCopy;
        InsertBack(cut);
        InsertBack(ref _dataFront, dataCopy);
        InsertBack(ref _roomFront, roomCopy);
        _cuts.Enqueue(cut);
        CheckInvariants();
        _waker.Woken(this);
    }

    /// <summary>
    /// The operation in <paramref name="node"/> was cancelled; the runner queued its retry, which completes it. A
    /// wake pending now covers it (it lies before that wake's cut: nothing moves a node back across a cut) and must
    /// retry it at its turn, as the old queue did (the runner's queued retry then finds it done); a later wake only
    /// drops it, as the old queue dropped a cancelled operation it woke. Stamped with the wakes so far to tell which.
    /// </summary>
    public void MarkCancelled(int node)
    {
        Debug.Assert(!_cancelled[node], "an operation is marked once");
        _cancelled[node] = true;
        _cancelStamp[node] = _wakes;
        _cancelledCount++;
    }

    /// <summary>
    /// Serves the oldest pending wake: the next operation, in order, whose retry may finish — removed from the
    /// queue for the caller to retry (<paramref name="retry"/>; false: a cancelled one this wake only drops, its
    /// cancel queued its retry) — or false when that wake has none left (its cut is then gone). Operations it
    /// passes stay parked, now at the back, as a retry that parked again would have left them; it counts them in
    /// <paramref name="visits"/> when it looks at them one by one.
    /// </summary>
    public bool TryNext(ref long visits, out int index, out int generation, out bool retry)
    {
        Debug.Assert(_cuts.Count > 0, "a wake is served once");
        var cut = _cuts.Peek();
        while (_front != cut)
        {
            if (!MayAnyFinish())
            {
                PassAllTo(cut); // none of them can finish now: all park again, behind the rest, in their order
                break;
            }

            var node = NextWithinReach(cut);
            if (node == cut)
            {
                PassAllTo(cut); // only operations that wait for a close are left
                break;
            }

            if (_cancelled[node] || _source.Satisfies(_need[node]))
            {
                index = _slot[node];
                generation = _generation[node];
                retry = !_cancelled[node] || unchecked(_generation[cut] - _cancelStamp[node]) <= 0; // cut numbers wrap
                Remove(node, index, generation);
                _roomPassed = 0;
                return true;
            }

            if (_need[node].Kind == WaitKind.Room)
            {
                _roomPassedMin = _roomPassed++ == 0 ? _need[node].Amount : Math.Min(_roomPassedMin, _need[node].Amount);
            }

            Pass(node); // it would park again: it is now at the back
            visits++;
        }

        if (_roomPassed > 0 && _roomPassed == _countRoom)
        {
            _minRoom = _roomPassedMin; // it saw every WRITE waiting for room: the bound is exact again
        }

        _roomPassed = 0;
        _cuts.Dequeue();
        UnlinkCut(cut);
        CheckInvariants();
        index = None;
        generation = 0;
        retry = false;
        return false;
    }

    /// <summary>Forgets the wakes not yet served (teardown: the ready queue that held them was cleared).</summary>
    public void ForgetWakes()
    {
        while (_cuts.TryDequeue(out var cut))
        {
            UnlinkCut(cut);
        }
    }

    /// <summary>
    /// The next node of the current wake worth looking at, with the front moved onto it: past the operations that
    /// wait only for a close (they park again) when nothing is closed and only one kind of waiter (data or room) is
    /// left in this wake; else the front itself. <paramref name="cut"/> when nothing but close waiters is left.
    /// </summary>
    private int NextWithinReach(int cut)
    {
        if (_cancelledCount > 0 || _countAny > 0 || _source.Satisfies(new WaitNeed(WaitKind.Close, 0)))
        {
            return _front; // any of them may finish: look at each
        }

        var dataLeft = _dataFront != _dataCut[cut];
        var roomLeft = _roomFront != _roomCut[cut];
        if (dataLeft && roomLeft)
        {
            return _front; // both kinds in one wake (never seen on a pipe): look at each
        }

        var next = dataLeft ? _dataFront : roomLeft ? _roomFront : cut;
        Debug.Assert(PassesOnlyCloseWaiters(next), "a jump passes only operations that wait for a close");
        _front = next;
        return next;
    }

    private bool PassesOnlyCloseWaiters(int to)
    {
        for (var n = _front; n != to; n = _next[n])
        {
            if (_slot[n] == Cut || _need[n].Kind != WaitKind.Close)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Moves the front past <paramref name="node"/>, which is then the last node of the ring.</summary>
    private void Pass(int node)
    {
        _front = _next[node];
        if (_need[node].Kind == WaitKind.Data)
        {
            _dataFront = _kindNext[node];
        }
        else if (_need[node].Kind == WaitKind.Room)
        {
            _roomFront = _kindNext[node];
        }
    }

    /// <summary>Moves every front onto <paramref name="cut"/> (its copies): what lay before it is now at the back.</summary>
    private void PassAllTo(int cut)
    {
        _front = cut;
        _dataFront = _dataCut[cut];
        _roomFront = _roomCut[cut];
    }

    private void UnlinkCut(int cut)
    {
        Unlink(cut);
        Unlink(ref _dataFront, _dataCut[cut]);
        Unlink(ref _roomFront, _roomCut[cut]);
        Free(_dataCut[cut]);
        Free(_roomCut[cut]);
        Free(cut);
    }

    /// <summary>Whether some operation in the queue may finish if retried now (false: none can; may err towards true).</summary>
    private bool MayAnyFinish() =>
        _cancelledCount > 0 || _countAny > 0
        || (_countData > 0 && _source.Satisfies(new WaitNeed(WaitKind.Data, _minData)))
        || (_countRoom > 0 && _source.Satisfies(new WaitNeed(WaitKind.Room, _minRoom)))
        || _source.Satisfies(new WaitNeed(WaitKind.Close, 0));

    private void Tally(WaitNeed need, int delta)
    {
        switch (need.Kind)
        {
            case WaitKind.Any:
                _countAny += delta;
                break;
            case WaitKind.Data:
                _minData = delta < 0 ? _minData : _countData == 0 ? need.Amount : Math.Min(_minData, need.Amount);
                _countData += delta;
                break;
            case WaitKind.Room:
                _minRoom = delta < 0 ? _minRoom : _countRoom == 0 ? need.Amount : Math.Min(_minRoom, need.Amount);
                _countRoom += delta;
                break;
            default:
                break;
        }
    }

    private void InsertBack(int node) => InsertBack(_next, _prev, ref _front, node);

    private void InsertBack(ref int front, int node) => InsertBack(_kindNext, _kindPrev, ref front, node);

    private void Unlink(int node) => Unlink(_next, _prev, ref _front, node);

    private void Unlink(ref int front, int node) => Unlink(_kindNext, _kindPrev, ref front, node);

    /// <summary>Inserts <paramref name="node"/> at the back of a circular list (just before its front).</summary>
    private static void InsertBack(int[] next, int[] prev, ref int front, int node)
    {
        if (front == None)
        {
            next[node] = node;
            prev[node] = node;
            front = node;
            return;
        }

        var back = prev[front];
        next[back] = node;
        prev[node] = back;
        next[node] = front;
        prev[front] = node;
    }

    /// <summary>Takes <paramref name="node"/> out of a circular list; its front moves on when it was the front.</summary>
    private static void Unlink(int[] next, int[] prev, ref int front, int node)
    {
        if (next[node] == node)
        {
            front = None;
            return;
        }

        next[prev[node]] = next[node];
        prev[next[node]] = prev[node];
        if (front == node)
        {
            front = next[node];
        }
    }

    /// <summary>Debug builds: each kind list holds, in ring order, its kind and the cuts' copies, from the first at or after the ring's front.</summary>
    [Conditional("DEBUG")]
    private void CheckInvariants()
    {
        CheckList(_dataFront, WaitKind.Data, _dataCut);
        CheckList(_roomFront, WaitKind.Room, _roomCut);
    }

    private void CheckList(int front, WaitKind kind, int[] copies)
    {
        var k = front;
        var seen = 0;
        for (var n = _front; n != None && (n != _front || seen == 0); n = _next[n], seen = 1)
        {
            if (_slot[n] == Cut || _need[n].Kind == kind)
            {
                Debug.Assert(k == (_slot[n] == Cut ? copies[n] : n), $"the {kind} list follows the ring");
                k = _kindNext[k];
            }
        }

        Debug.Assert(k == front, $"the {kind} list holds nothing the ring does not");
    }

    private void Free(int node)
    {
        _next[node] = _free;
        _free = node;
    }

    private int NewNode()
    {
        if (_free != None)
        {
            var node = _free;
            _free = _next[node];
            return node;
        }

        if (_used == _next.Length)
        {
            var size = _used * 2;
            Array.Resize(ref _next, size);
            Array.Resize(ref _prev, size);
            Array.Resize(ref _slot, size);
            Array.Resize(ref _generation, size);
            Array.Resize(ref _need, size);
            Array.Resize(ref _cancelled, size);
            Array.Resize(ref _cancelStamp, size);
            Array.Resize(ref _kindNext, size);
            Array.Resize(ref _kindPrev, size);
            Array.Resize(ref _dataCut, size);
            Array.Resize(ref _roomCut, size);
        }

        return _used++;
    }
}
