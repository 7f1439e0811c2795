using System.Net.Sockets;
using VerbRing.Verbs;

namespace VerbRing.Verbs.Client;

/// <summary>
/// The client's enter through the doorbell page: write the request, publish its sequence, wake the server only if
/// it announced sleep, then spin briefly for the answer and sleep on it, asking every slice whether the server is
/// gone (its end of the socket closed: EPIPE, as on the socket). An enter with a timeout of its own also gives up
/// on a server that has not answered <see cref="Wire.AnswerSlack"/> after it: EPIPE, and the doorbell is not used
/// again (a late answer would be taken for the next enter's). One enter at a time; a concurrent one is EBUSY.
/// </summary>
internal sealed unsafe class DoorbellPort : IRingPort
{
    private readonly Socket _socket;
    private readonly Doorbell _bell;
    private SpinBudget _budget = SpinBudget.Leader(SpinHint.Process);
    private int _sequence;
    private int _busy;
    private long _answerDeadline = long.MaxValue; // the running enter's (Environment.TickCount64)
    private bool _broken;
    private volatile bool _closing;

    /// <summary>Rings the doorbell at <paramref name="page"/>, which the caller keeps mapped until after Dispose.</summary>
    public DoorbellPort(Socket socket, byte* page)
    {
        _socket = socket;
        _bell = new Doorbell(page);

        // Volatile.Read: we are the sequence's only writer; the server took this value as served when we switched.
        _sequence = Volatile.Read(ref *_bell.Request);
    }

    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            return new EnterResult(0, Errno.EINVAL);
        }

        // Interlocked: one request in flight on the doorbell; a concurrent or nested enter is EBUSY.
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return new EnterResult(0, Errno.EBUSY);
        }

        try
        {
            if (_broken)
            {
                return new EnterResult(0, Errno.EPIPE);
            }

            // Unsafe: our line of the mapped page; plain stores, published with the sequence by Ring's full fence.
            *_bell.Amount = amount;
            *_bell.Wait = wait;
            *_bell.Timeout = Wire.EncodeTimeout(timeout);
            _answerDeadline = Wire.AnswerDeadline(timeout);
            var sequence = unchecked(_sequence + 1);
            Doorbell.Ring(_bell.Request, sequence, _bell.KernelSleeping);
            _sequence = sequence;
            if (!AwaitReply(sequence))
            {
                _broken = true;
                return new EnterResult(0, Errno.EPIPE); // the server is gone
            }

            // Unsafe: read after the acquire that saw our sequence in the reply word, so they are this enter's answer.
            return new EnterResult(*_bell.Consumed, (Errno)(*_bell.Errno));
        }
        catch (IOException)
        {
            _broken = true;
            return new EnterResult(0, Errno.EPIPE); // the futex failed: nothing more can cross this doorbell
        }
        finally
        {
            // Volatile.Write: release, the next enter starts after this one's answer.
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Closes the socket (the server tears the ring down), waits for an enter on another thread to leave the page,
    /// and rings once more with a no-op request, so a server asleep on the doorbell wakes now and finds the socket
    /// closed. The caller unmaps the page afterwards.
    /// </summary>
    public void Dispose()
    {
        _closing = true;
        _socket.Dispose();
        Futex.WakeOne(_bell.Reply); // an enter of ours asleep on the answer looks again, and finds us closing

        // Interlocked: take the doorbell for good once a running enter has left it; the page is unmapped after us.
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        // Unsafe: still mapped (the ring unmaps after this returns). A move of the word, unlike a bare wake, cannot
        // be missed by a server between its last look and its sleep.
        *_bell.Amount = 0;
        *_bell.Wait = 0;
        *_bell.Timeout = 0;
        Doorbell.Ring(_bell.Request, unchecked(_sequence + 1), _bell.KernelSleeping);
    }

    /// <summary>Waits until the reply word holds <paramref name="sequence"/>; false when the server went away.</summary>
    private bool AwaitReply(int sequence)
    {
        while (true)
        {
            // Volatile.Read: acquire — the answer's fields, written before the server's sequence, are visible with it.
            var seen = Volatile.Read(ref *_bell.Reply);
            if (seen == sequence)
            {
                return true;
            }

            if (!Doorbell.AwaitChange(_bell.Reply, seen, _bell.UserSleeping, null, ref _budget, static port => port.ServerGone(), this))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The server sends nothing once on the doorbell, so a readable socket means its end closed; one that let the
    /// enter's answer deadline pass counts as gone too.
    /// </summary>
    private bool ServerGone()
    {
        try
        {
            return _closing || Environment.TickCount64 >= _answerDeadline || _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}
