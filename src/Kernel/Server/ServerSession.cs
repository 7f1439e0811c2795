using System.Buffers.Binary;
using System.Net.Sockets;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Kernel.Server;

/// <summary>
/// One client of the server: its socket, its ring region (sealed memory both map, the doorbell page after it), and
/// its own kernel — registers and descriptors of its own over the server's shared namespace. The server's setup loop
/// takes it through setup without a thread (ServerSession.Setup.cs); then, on a thread of its own, it serves
/// requests from the socket, or from the doorbell once the client switches to it, until the client goes away; then
/// it cancels what is pending, closes every descriptor and unmaps. The client's memory is treated as hostile.
/// </summary>
internal sealed unsafe partial class ServerSession : IDisposable
{
    private readonly Socket _socket;
    private readonly RingFactory _factory;
    private readonly RingServerOptions _options;
    private readonly string _name;
    private readonly int _id;
    private readonly Lock _teardown = new();
    private readonly Func<bool> _hungUp;
    private MappedRingRegion? _region;
    private RingKernel? _kernel;
    private bool _ready;
    private bool _disposed;
    private bool _released;
    private int _servingThread; // the managed id of the session's thread once Serve runs
    private byte* _doorbell;
    private TraceShipper? _shipper; // the client asked for tracing at setup

    public ServerSession(Socket socket, RingFactory factory, RingServerOptions options, string name, int id)
    {
        _socket = socket;
        _factory = factory;
        _options = options;
        _name = name;
        _id = id;
        _hungUp = ClientHungUp; // one delegate for the session's life: an enter allocates nothing
    }

    /// <summary>The session's number in its server (for logs).</summary>
    public int Id => _id;

    /// <summary>The peer's uid as the kernel saw it at connect (for logs).</summary>
    public uint PeerUid { get; set; }

    /// <summary>The client's kernel, once it asked for a ring.</summary>
    public RingKernel? Kernel => _kernel;

    /// <summary>
    /// Whether the calling thread is this session's own, or is running its kernel (a verb, an observer, a timer's
    /// chain): a thread that cannot end while the caller waits for it.
    /// </summary>
    public bool IsHeldByCurrentThread =>
        Volatile.Read(ref _servingThread) == Environment.CurrentManagedThreadId || _kernel?.IsRunningOnCurrentThread == true;

    /// <summary>Whether the session has ended: set by the server once the session's thread is done, teardown and all.</summary>
    public bool IsClosed { get; set; }

    /// <summary>
    /// Serves requests on the session's own thread — the first one already read by the setup loop
    /// (<see cref="Head"/>) — until the client closes the connection or breaks the protocol.
    /// </summary>
    public void Serve()
    {
        Volatile.Write(ref _servingThread, Environment.CurrentManagedThreadId); // Volatile: read by RingServer.Dispose on any thread
        Span<byte> request = stackalloc byte[Wire.RequestSize];
        _head.CopyTo(request);
        try
        {
            do
            {
                var magic = BinaryPrimitives.ReadUInt32LittleEndian(request);
                var kind = BinaryPrimitives.ReadUInt32LittleEndian(request[4..]);
                var a = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
                var b = BinaryPrimitives.ReadUInt32LittleEndian(request[12..]);
                var c = BinaryPrimitives.ReadUInt32LittleEndian(request[16..]);
                if (magic != Wire.RequestMagic)
                {
                    Reply(Errno.EINVAL);
                    continue;
                }

                switch (kind)
                {
                    case Wire.Setup:
                        Reply(Errno.EINVAL); // the ring exists already
                        break;
                    case Wire.Ready when _kernel is not null:
                        _ready = true;
                        Reply(Errno.OK);
                        break;
                    case Wire.UseDoorbell when _ready && Futex.IsSupported:
                        ServeDoorbell(); // until the client goes: the socket carries nothing more
                        return;
                    case Wire.Enter when _kernel is not null:
                        var result = Enter(a, b, c);
                        if (result.Error == Errno.ECANCELED && ClientHungUp())
                        {
                            return; // the client died, or broke the protocol, while it waited: tear down (finally)
                        }

                        Reply(result.Error, result.Consumed);
                        break;
                    default:
                        Reply(Errno.EINVAL);
                        break;
                }
            }
            while (Wire.ReadExactly(_socket, request));
        }
#pragma warning disable CA1031 // Whatever goes wrong with one client ends that client's session, never the server.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The client went away mid-reply, timed out, or the server is shutting down: tear down (finally).
        }
        finally
        {
            Dispose();
            Release();
        }
    }

    /// <summary>
    /// Ends the session from any thread, idempotently: cancels pending work, closes descriptors and the socket, and
    /// wakes a doorbell loop asleep on the futex so it sees the closed socket now. From inside the session's own kernel
    /// (a verb, a timer's chain) the kernel's teardown follows as that kernel lets go; the enter it interrupted then
    /// answers nobody, and the session thread leaves. The region is unmapped by the
    /// session's own thread as it leaves <see cref="Serve"/>, since that thread may be reading the doorbell.
    /// </summary>
    public void Dispose()
    {
        lock (_teardown)
        {
            if (_disposed)
            {
                return;
            }

            // Volatile.Write: the session thread reads this flag without the lock (ClientHungUp) — set before the kernel
            // is torn down, so an enter that the teardown ends sees it and answers nobody.
            Volatile.Write(ref _disposed, true);
        }

        _kernel?.Dispose();
        _socket.Dispose();
        lock (_teardown)
        {
            if (!_released && _doorbell != null)
            {
                Futex.WakeOne(new Doorbell(_doorbell).Request); // mapped until Release, which takes this lock
            }
        }
    }

    /// <summary>
    /// The session thread's last act (or the setup loop's, for a session that never got a thread): once the
    /// kernel's teardown is done (whoever began it), unmaps.
    /// </summary>
    private void Release()
    {
        _kernel?.Dispose(); // a second call returns once a teardown another thread began has finished
        lock (_teardown)
        {
            _released = true;
        }

        _region?.Dispose();
    }

    /// <summary>
    /// Runs an enter on this thread. While it waits, the kernel asks every 20 ms whether the client hung up — a
    /// well-behaved client sends nothing while it waits, so a readable socket means it closed or broke the
    /// protocol; either way it is noticed at once and its ring torn down.
    /// </summary>
    private EnterResult Enter(uint amount, uint wait, uint timeout)
    {
        if (_shipper is not { } shipper)
        {
            return _kernel!.Enter(amount, wait, Wire.DecodeTimeout(timeout), _hungUp);
        }

        var began = shipper.Now();
        var result = _kernel!.Enter(amount, wait, Wire.DecodeTimeout(timeout), _hungUp);
        shipper.OnEntered(amount, wait, result, began);
        return result;
    }

    private bool ClientHungUp()
    {
        // Volatile.Read: the server is ending this session (Dispose): as good as a hang-up.
        if (Volatile.Read(ref _disposed))
        {
            return true;
        }

        try
        {
            // Readable while the client should be waiting: it closed (nothing to read) or broke the protocol by
            // sending during its own enter. Either way the session ends.
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void Reply(Errno errno, uint a = 0, uint b = 0)
    {
        Span<byte> reply = stackalloc byte[Wire.ReplySize];
        Wire.WriteReply(reply, (int)errno, a, b);
        _socket.Send(reply);
    }
}
