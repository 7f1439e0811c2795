namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Operations parked on one event source (a pipe). A change of the source wakes all of them: each is retried in
/// order and parks again if it still cannot finish. Waking only queues them; nothing runs inside the change.
/// </summary>
internal sealed class WaitQueue
{
    private readonly List<(int Index, int Generation)> _parked = [];
    private readonly IWaker _waker;

    public WaitQueue(IWaker waker) => _waker = waker;

    public int Count => _parked.Count;

    public void Park(int index, int generation) => _parked.Add((index, generation));

    public void Remove(int index, int generation) => _parked.Remove((index, generation));

    /// <summary>Moves every parked operation to the ring's ready queue, in the order they parked.</summary>
    public void WakeAll()
    {
        foreach (var (index, generation) in _parked)
        {
            _waker.Wake(index, generation, this);
        }

        _parked.Clear();
    }
}
