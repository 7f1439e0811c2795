using VerbRing.Kernel.Server;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Server;

/// <summary>
/// A well-behaved client on a thread of its own, running the design card's chain in a loop and checking every
/// result: for a given number of rounds, or until stopped. What it saw go wrong is rethrown to the test.
/// </summary>
internal sealed class ChainClient
{
    private readonly Thread _thread;
    private readonly int _rounds;
    private volatile bool _stop;
    private int _done;
    private Exception? _failure;

    /// <summary>Connects on a thread of its own and runs <paramref name="rounds"/> chains, or until stopped when 0.</summary>
    public ChainClient(string socket, int rounds = 0, EnterTransport transport = EnterTransport.Doorbell)
    {
        _rounds = rounds;
        _thread = new Thread(() => Serve(socket, transport)) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops it and returns how many chains it ran; rethrows what went wrong.</summary>
    public int Stop()
    {
        _stop = true;
        return Join();
    }

    /// <summary>Waits until it ran its rounds (and disconnected) and returns how many chains it ran; rethrows what went wrong.</summary>
    public int Join()
    {
        _thread.Join();
        return _failure is null ? _done : throw new InvalidOperationException("the chain client failed", _failure);
    }

    private void Serve(string socket, EnterTransport transport)
    {
        try
        {
            using var ring = RingClient.Connect(socket, transport: transport);
            var path = ring.Memory.Put("/second.txt");
            var text = ring.Memory.Put("second client");
            var buffer = ring.Memory.Reserve(64);
            while (_rounds > 0 ? _done < _rounds : !_stop || _done == 0)
            {
                ring.Push(Sqes.Open(path, OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, save: Reg.R0, link: SqeLink.Link));
                ring.Push(Sqes.Write(Reg.R0, text, text.Length, offset: 0, save: Reg.R1, link: SqeLink.Link));
                ring.Push(Sqes.Read(Reg.R0, buffer, Reg.R1, offset: 0, link: SqeLink.Link));
                ring.Push(Sqes.Close(Reg.R0));
                ring.SubmitAndWait().ShouldBe(new EnterResult(4, Errno.OK));
                while (ring.TryPop(out var cqe))
                {
                    cqe.Error.ShouldBe(0);
                }

                buffer.Span[..13].ToArray().ShouldBe("second client"u8.ToArray());
                _done++;
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }
}
