namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// Several clients of one server at once: each ring streams its share of NOPs on a thread of its own, all start
/// together, and a run ends when the last one has reaped its share. The threads live as long as the workload, so
/// a run measures the rings, not thread start-up.
/// </summary>
internal sealed class ClientsWorkload : IDisposable
{
    private readonly StreamWorkload[] _streams;
    private readonly Thread[] _threads;
    private readonly Barrier _start;
    private readonly Barrier _done;
    private long _share;
    private volatile bool _stopping;
    private Exception? _failure;

    /// <summary>One streaming thread per ring in <paramref name="rings"/>.</summary>
    public ClientsWorkload(IReadOnlyList<Verbs.IoRing> rings)
    {
        ArgumentNullException.ThrowIfNull(rings);
        _streams = rings.Select(ring => new StreamWorkload(ring)).ToArray();
        _start = new Barrier(rings.Count + 1);
        _done = new Barrier(rings.Count + 1);
        _threads = new Thread[rings.Count];
        for (var i = 0; i < rings.Count; i++)
        {
            var stream = _streams[i];
            _threads[i] = new Thread(() => Serve(stream)) { IsBackground = true, Name = $"bench-client-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Pushes <paramref name="total"/> NOPs, split evenly over the clients, and waits for all of them.</summary>
    public void Run(long total)
    {
        _share = total / _streams.Length;
        _start.SignalAndWait(); // Barrier: a full fence, every client sees the share written above.
        _done.SignalAndWait();
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            throw new BenchmarkCheckException($"a client failed: {failure.Message}", failure);
        }
    }

    /// <summary>Stops the client threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        _start.SignalAndWait();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _start.Dispose();
        _done.Dispose();
    }

    private void Serve(StreamWorkload stream)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            try
            {
                stream.Run(Volatile.Read(ref _share));
            }
#pragma warning disable CA1031 // A client's failure is reported by Run, on the benchmark's thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // Interlocked: the first failure wins; Run reads it after the barrier.
                Interlocked.CompareExchange(ref _failure, e, null);
            }

            _done.SignalAndWait();
        }
    }
}
