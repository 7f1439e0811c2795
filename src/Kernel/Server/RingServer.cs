using System.Net.Sockets;

namespace VerbRing.Kernel.Server;

/// <summary>What a server gives each client.</summary>
public sealed record RingServerOptions
{
    /// <summary>The kernel limits of every client's ring (sizes come from the client's setup request).</summary>
    public RingOptions Ring { get; init; } = new();

    /// <summary>The most user memory a client may ask for (default 16 MiB).</summary>
    public uint MaxUserMemory { get; init; } = 16u << 20;

    /// <summary>Clients at most; a connection past it is closed at once (default 256).</summary>
    public int MaxClients { get; init; } = 256;

    /// <summary>How long a new connection may take to set up its ring (default 10 s).</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// <c>verbring serve</c>: hosts one namespace for many clients over a Unix domain socket. Each client asks for a
/// ring and gets a file both map; enter is a small request on the socket (spec/transport.md). Clients share the
/// namespace, as processes share a file system, and nothing else.
/// </summary>
public sealed class RingServer : IDisposable
{
    private readonly RingFactory _factory;
    private readonly RingServerOptions _options;
    private readonly Socket _listener;
    private readonly Thread _acceptor;
    private readonly string _name = $"verbring-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly List<ServerSession> _sessions = [];
    private int _nextId;
    private int _sessionThreads;
    private volatile bool _stopping;

    /// <summary>Listens on <paramref name="socketPath"/> (replacing a stale socket file) and starts accepting.</summary>
    public RingServer(RingFactory factory, string socketPath, RingServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        _factory = factory;
        _options = options ?? new RingServerOptions();
        SocketPath = Path.GetFullPath(socketPath);
        RemoveStaleSocket(SocketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            _listener.Listen(64);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        _acceptor = new Thread(Accept) { IsBackground = true, Name = "verbring-accept" };
        _acceptor.Start();
    }

    /// <summary>The socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>Clients connected now.</summary>
    public int ClientCount
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.Count(s => !s.IsClosed);
            }
        }
    }

    /// <summary>The name every ring's memory of this server carries (in /proc/PID/maps: "/memfd:NAME-N").</summary>
    public string RingName => _name;

    /// <summary>Session threads still running (each ends with its client).</summary>
    public int SessionThreads => Volatile.Read(ref _sessionThreads);



    /// <summary>
    /// Blocks until at most <paramref name="count"/> clients are connected (their teardown done) or
    /// <paramref name="limit"/> passes; returns whether they are. A wait on a condition, not a sleep.
    /// </summary>
    public bool WaitForClients(int count, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        lock (_sessions)
        {
            while (_sessions.Count(s => !s.IsClosed) > count)
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_sessions, left))
                {
                    return _sessions.Count(s => !s.IsClosed) <= count;
                }
            }

            return true;
        }
    }

    /// <summary>Called once a session's thread has torn its client down.</summary>
    private void SessionClosed()
    {
        lock (_sessions)
        {
            Monitor.PulseAll(_sessions);
        }
    }

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

    /// <summary>Stops accepting, ends every session (cancelling its work), removes the socket.</summary>
    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        _acceptor.Join();
        ServerSession[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            session.Dispose();
        }

        // Every session thread ends promptly once its socket is closed; wait for them, so nothing outlives us.
        var spin = default(SpinWait);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref _sessionThreads) > 0 && DateTime.UtcNow < until)
        {
            spin.SpinOnce();
        }

        File.Delete(SocketPath);
    }

    /// <summary>Removes a socket file left by a server that is gone; refuses a path in use or that is not a socket.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        if ((File.GetAttributes(path) & FileAttributes.Normal) != 0 && new FileInfo(path).Length > 0)
        {
            throw new IOException($"'{path}' exists and is not a socket.");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody answers: a stale socket
            return;
        }

        throw new IOException($"'{path}' is in use by another server.");
    }

    private void Accept()
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (_stopping)
                {
                    return;
                }

                Thread.Sleep(10); // out of descriptors or similar: back off and keep serving
                continue;
            }

            if (ClientCount >= _options.MaxClients)
            {
                client.Dispose(); // full: the connection is closed at once
                continue;
            }

            var session = new ServerSession(client, _factory, _options, _name, Interlocked.Increment(ref _nextId));
            lock (_sessions)
            {
                _sessions.RemoveAll(s => s.IsClosed);
                _sessions.Add(session);
            }

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
                    // out first, so that whoever sees the session closed also sees its thread gone.
                    Interlocked.Decrement(ref _sessionThreads);
                    session.IsClosed = true;
                    SessionClosed();
                }
            })
            { IsBackground = true, Name = "verbring-session" }.Start();
        }
    }
}
