using System.Collections.Concurrent;
using System.Net.Sockets;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The setup loop: one thread polls the listening socket and every connection in setup at once, reads what each
/// has sent without blocking on any, and gives a connection a thread only once its ring exists and its first
/// request after setup has arrived. A peer of a user it does not serve is refused as it is accepted. Each connection has one deadline for its whole setup, on the server's clock;
/// a malformed request, a ring past <see cref="RingServerOptions.MaxClients"/>, or the deadline ends it with a reply
/// that says why (spec/transport.md, "Setup").
/// </summary>
// Design: the connections in setup are this thread's alone, oldest first; the poll set is rebuilt from them each
// round as [wake event, listener, connection 0, connection 1, ...]. Other threads reach the loop only through the
// wake event: a deadline's timer queues its session on _expired and signals it, and so does Dispose.
public sealed partial class RingServer
{
    private readonly Readiness.WakeEvent _wake;
    private readonly ConcurrentQueue<ServerSession> _expired = new();
    private readonly List<ServerSession> _settingUp = [];
    private readonly TimerCallback _onDeadline;
    private Readiness.PollFd[] _pollSet = new Readiness.PollFd[64];

    private void SetUpConnections()
    {
        try
        {
            while (!_stopping)
            {
                var watched = FillPollSet();
                try
                {
                    Readiness.Wait(_pollSet.AsSpan(0, watched), -1);
                }
                catch (IOException)
                {
                    Thread.Sleep(10); // poll itself failed (out of memory): back off and keep serving
                    continue;
                }

                if (_stopping)
                {
                    return;
                }

                if (_pollSet[0].Ready != 0)
                {
                    _wake.Drain();
                }

                // Backwards: a connection leaving the list moves none of those still to be looked at.
                for (var i = _settingUp.Count - 1; i >= 0; i--)
                {
                    if (_pollSet[i + 2].Ready != 0)
                    {
                        AdvanceOrLeave(_settingUp[i]);
                    }
                }

                DropExpired();
                if (_pollSet[1].Ready != 0)
                {
                    AcceptOne();
                }
            }
        }
        finally
        {
            foreach (var session in _settingUp)
            {
                session.Drop(); // the server stops: no reply, the connection simply closes
            }

            CountInSetup(-_settingUp.Count);
            _settingUp.Clear();
        }
    }

    /// <summary>Lays out the poll set for this round and returns how many entries it has.</summary>
    private int FillPollSet()
    {
        var count = _settingUp.Count + 2;
        if (_pollSet.Length < count)
        {
            _pollSet = new Readiness.PollFd[Math.Max(count, _pollSet.Length * 2)];
        }

        _pollSet[0] = new Readiness.PollFd(_wake.Fd);
        _pollSet[1] = new Readiness.PollFd(_listener.Handle);
        for (var i = 0; i < _settingUp.Count; i++)
        {
            _pollSet[i + 2] = new Readiness.PollFd(_settingUp[i].Fd);
        }

        return count;
    }

    /// <summary>Whatever goes wrong with one connection in setup ends that connection, never the loop.</summary>
    private void AdvanceOrLeave(ServerSession session)
    {
        try
        {
            Advance(session);
        }
#pragma warning disable CA1031 // The loop serves every connection: one that fails is dropped, the rest go on.
        catch (Exception)
#pragma warning restore CA1031
        {
            if (session.InSetup)
            {
                Leave(session, Errno.ENOMEM); // making the ring failed: memory or descriptors ran out
            }
        }
    }

    /// <summary>Takes a readable connection one step: more of a request, the setup request, or the first request after.</summary>
    private void Advance(ServerSession session)
    {
        switch (session.ReadSome())
        {
            case ServerSession.Arrival.Partial:
                return;
            case ServerSession.Arrival.Closed:
                Leave(session);
                return;
        }

        if (session.Kernel is not null)
        {
            // The first request after the setup reply: setup is done, the session thread serves it and the rest.
            session.Deadline?.Dispose();
            session.InSetup = false;
            _settingUp.Remove(session);
            StartSession(session);
            return;
        }

        if (!session.IsSetupRequest(out var sq, out var cq, out var user, out var traced))
        {
            Leave(session, Errno.EINVAL); // anything but setup, first, is a client that does not speak the protocol
            return;
        }

        if (Volatile.Read(ref _rings) >= _options.MaxClients) // Volatile: session threads count their ring out
        {
            Leave(session, Errno.EAGAIN, (uint)_options.MaxClients);
            return;
        }

        if (user > _options.MaxUserMemory)
        {
            Leave(session, Errno.EINVAL, _options.MaxUserMemory); // a: the limit, so the client can say which one
            return;
        }

        var errno = session.SetUp(sq, cq, user, traced);
        if (errno != Errno.OK)
        {
            Leave(session, errno);
            return;
        }

        Interlocked.Increment(ref _rings); // Interlocked: session threads count rings out concurrently
    }

    /// <summary>Accepts one connection; past the bound on connections in setup, the oldest of them makes room.</summary>
    private void AcceptOne()
    {
        Socket client;
        try
        {
            client = _listener.Accept(); // readable: a connection is queued, so this does not block
        }
        catch (SocketException)
        {
            Thread.Sleep(10); // out of descriptors or similar: back off and keep serving
            return;
        }

        var session = new ServerSession(client, _factory, _options, _name, ++_nextId); // ids: this thread alone makes sessions
        if (!Admits(client, out var uid))
        {
            Refuse(session, uid, Errno.EACCES, 0);
            session.Drop(Errno.EACCES, uid); // a user the server does not serve: told so, closed at once
            return;
        }

        session.PeerUid = uid;

        if (_settingUp.Count >= _options.MaxConnectionsInSetup)
        {
            Leave(_settingUp[0], Errno.EAGAIN);
        }

        session.Deadline = _options.Time.CreateTimer(_onDeadline, session, _options.SetupTimeout, Timeout.InfiniteTimeSpan);
        _settingUp.Add(session);
        CountInSetup(+1); // after the deadline is armed: whoever sees the count sees the deadline running
    }

    /// <summary>
    /// Whether the peer is a user the server serves (spec/transport.md, "Who may connect"); <paramref name="uid"/>
    /// is the peer's, as the kernel saw it at connect. A peer whose credentials cannot be read is not admitted.
    /// </summary>
    private bool Admits(Socket client, out uint uid)
    {
        try
        {
            var peer = Isolation.PeerOf(client);
            uid = peer.Uid;
            return Isolation.Allows(_options, peer);
        }
        catch (SocketException)
        {
            uid = uint.MaxValue;
            return false;
        }
    }

    /// <summary>A deadline's timer, on whatever thread the clock fires it: hands the session to the loop.</summary>
    private void SetupDeadlinePassed(object? state)
    {
        _expired.Enqueue((ServerSession)state!);
        _wake.Signal();
    }

    /// <summary>Ends every connection whose setup deadline passed while it was still setting up.</summary>
    private void DropExpired()
    {
        while (_expired.TryDequeue(out var session))
        {
            if (session.InSetup)
            {
                Leave(session, Errno.ETIMEDOUT);
            }
        }
    }

    /// <summary>Ends a connection in setup with a reply saying why (none for OK), releasing its ring if it had one.</summary>
    private void Leave(ServerSession session, Errno errno = Errno.OK, uint a = 0)
    {
        var hadRing = session.Kernel is not null;
        if (errno != Errno.OK)
        {
            Refuse(session, session.PeerUid, errno, a);
        }

        _settingUp.Remove(session);
        session.Drop(errno, a);
        if (hadRing)
        {
            Interlocked.Decrement(ref _rings); // Interlocked: session threads count rings out concurrently
        }

        CountInSetup(-1);
    }

    /// <summary>Counts and logs a connection refused in setup.</summary>
    private void Refuse(ServerSession session, uint uid, Errno errno, uint a)
    {
        RingCounts.Refused();
        ServerLog.Refused(_options.Logger, session.Id, uid, errno, ServerLog.Reason(errno, a));
    }
}
