using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VerbRing.Kernel.Server;

/// <summary>
/// <c>verbring serve</c>: hosts one namespace for many clients over a Unix domain socket. Each client asks for a
/// ring and is handed its memory as a descriptor (SCM_RIGHTS) that only it receives; the server is non-dumpable, so
/// no other process reaches a ring through it (spec/transport.md). Clients share the namespace, as processes share a
/// file system, and nothing else. One thread accepts and sets up every connection (RingServer.Setup.cs); a ring,
/// once it exists, gets a session thread of its own.
/// </summary>
public sealed partial class RingServer : IDisposable
{
    private readonly RingFactory _factory;
    private readonly RingServerOptions _options;
    private readonly Socket _listener;
    private readonly SocketFile _socketFile;
    private readonly Thread _setupThread;
    private readonly string _name = $"verbring-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly List<ServerSession> _sessions = [];
    private int _nextId;
    private int _sessionThreads;
    private int _rings;
    private int _inSetup;
    private volatile bool _stopping;

    /// <summary>
    /// Listens on <paramref name="socketPath"/> — a new socket file of mode <see cref="RingServerOptions.SocketMode"/>,
    /// replacing only a socket nobody answers on — makes this process non-dumpable, and starts accepting. Throws
    /// <see cref="IOException"/> with one sentence naming the path when the path is taken; then nothing changed.
    /// </summary>
    public RingServer(RingFactory factory, string socketPath, RingServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        _factory = factory;
        _options = options ?? new RingServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxClients, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConnectionsInSetup, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((int)_options.SocketMode, 0x1FF, nameof(options)); // 0777: no setuid, setgid, sticky
        ArgumentNullException.ThrowIfNull(_options.AllowedUsers, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.AllowedGroups, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.Logger, nameof(options));
        SocketPath = Path.GetFullPath(socketPath);
        _listener = SocketFile.Listen(SocketPath, _options.SocketMode, out _socketFile);
        try
        {
            Isolation.MakeUndumpable(); // before the first ring exists: /proc and ptrace reach nothing of this process
            _wake = new Readiness.WakeEvent();
        }
        catch
        {
            _listener.Dispose();
            _socketFile.Remove();
            throw;
        }

        VerbRingMetrics.Publish(); // dotnet-counters and listeners see every instrument from the start
        _onDeadline = SetupDeadlinePassed;
        _setupThread = new Thread(SetUpConnections) { IsBackground = true, Name = "verbring-setup" };
        _setupThread.Start();
    }

    /// <summary>The socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>Connections the server holds now: those setting up and those with a ring.</summary>
    public int ClientCount
    {
        get
        {
            lock (_sessions)
            {
                return _inSetup + _sessions.Count(s => !s.IsClosed);
            }
        }
    }

    /// <summary>Rings that exist now — what <see cref="RingServerOptions.MaxClients"/> bounds.</summary>
    public int RingCount => Volatile.Read(ref _rings);

    /// <summary>Connections that have not finished setup (they cost a descriptor each and no thread).</summary>
    public int ConnectionsInSetup
    {
        get
        {
            lock (_sessions)
            {
                return _inSetup;
            }
        }
    }

    /// <summary>The name every ring's memory of this server carries (in /proc/PID/maps: "/memfd:NAME-N (deleted)").</summary>
    public string RingName => _name;

    /// <summary>Session threads still running (each ends with its client).</summary>
    public int SessionThreads => Volatile.Read(ref _sessionThreads);

    /// <summary>
    /// Blocks until at most <paramref name="count"/> clients are connected (their teardown done) or
    /// <paramref name="limit"/> passes; returns whether they are. A wait on a condition, not a sleep.
    /// </summary>
    public bool WaitForClients(int count, TimeSpan limit) => WaitUntil(() => _inSetup + _sessions.Count(s => !s.IsClosed) <= count, limit);

    /// <summary>
    /// Blocks until exactly <paramref name="count"/> connections are in setup or <paramref name="limit"/> passes;
    /// returns whether they are. A wait on a condition, not a sleep.
    /// </summary>
    public bool WaitForConnectionsInSetup(int count, TimeSpan limit) => WaitUntil(() => _inSetup == count, limit);

    /// <summary>The kernels of the clients connected now (for tests and tools).</summary>
    internal IReadOnlyList<RingKernel> Kernels
    {
        get
        {
            lock (_sessions)
            {
                return [.. _sessions.Where(s => !s.IsClosed && s.Kernel is not null).Select(s => s.Kernel!)];
            }
        }
    }

    /// <summary>
    /// Stops accepting, ends every session (cancelling its work), removes the socket file if it is still its own. From
    /// inside a session's kernel (a custom verb), that session's teardown follows as its kernel lets go.
    /// </summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Signal();
        _setupThread.Join(); // it closes every connection still in setup as it leaves
        _listener.Dispose();
        _wake.Dispose();
        ServerSession[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        // Called from inside a session (its verb, or a timer's chain on its kernel), that session's thread cannot end
        // before we return: it is this thread, or it waits for the kernel this thread runs. Wait for the others.
        var held = sessions.Count(s => s.IsHeldByCurrentThread);
        foreach (var session in sessions)
        {
            session.Dispose();
        }

        // Every session thread ends promptly once its socket is closed; wait for them, so nothing outlives us.
        var spin = default(SpinWait);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref _sessionThreads) > held && DateTime.UtcNow < until)
        {
            spin.SpinOnce();
        }

        _socketFile.Remove(); // only if it is still this server's socket
    }

    /// <summary>Waits, under the sessions' lock, until <paramref name="condition"/> holds or the limit passes.</summary>
    private bool WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        lock (_sessions)
        {
            while (!condition())
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_sessions, left))
                {
                    return condition();
                }
            }

            return true;
        }
    }

    /// <summary>Counts connections into or out of setup, and wakes whoever waits on the counts.</summary>
    private void CountInSetup(int change)
    {
        lock (_sessions)
        {
            _inSetup += change;
            Monitor.PulseAll(_sessions);
        }
    }

    /// <summary>Gives a set-up session its thread; the first request after setup is already in its head.</summary>
    private void StartSession(ServerSession session)
    {
        lock (_sessions)
        {
            _sessions.RemoveAll(s => s.IsClosed);
            _sessions.Add(session);
            _inSetup--;
            Monitor.PulseAll(_sessions);
        }

        RingCounts.SessionOpened();
        ServerLog.SessionOpened(_options.Logger, session.Id, session.PeerUid);

        // Interlocked: counts the session's thread from before it starts until it has torn its client down.
        Interlocked.Increment(ref _sessionThreads);
        new Thread(() =>
        {
            try
            {
                session.Serve();
            }
            finally
            {
                // The thread is done with everything (the session unmapped its region as Serve returned): count it
                // out first, so that whoever sees the session closed also sees its thread and its ring gone.
                Interlocked.Decrement(ref _sessionThreads);
                Interlocked.Decrement(ref _rings); // Interlocked: the setup loop reads it to admit the next ring
                RingCounts.SessionClosed();
                ServerLog.SessionClosed(_options.Logger, session.Id);
                lock (_sessions)
                {
                    session.IsClosed = true;
                    Monitor.PulseAll(_sessions);
                }
            }
        })
        { IsBackground = true, Name = "verbring-session" }.Start();
    }
}
