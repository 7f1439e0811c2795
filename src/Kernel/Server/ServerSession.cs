using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Server;

/// <summary>
/// One client of the server: its socket, its ring region (a file both map), and its own kernel — registers and
/// descriptors of its own over the server's shared namespace. It serves requests until the client goes away, then
/// cancels what is pending, closes every descriptor and unmaps. The client's memory is treated as hostile.
/// </summary>
internal sealed class ServerSession : IDisposable
{
    private readonly Socket _socket;
    private readonly RingFactory _factory;
    private readonly RingServerOptions _options;
    private readonly string _folder;
    private readonly int _id;
    private readonly Lock _teardown = new();
    private MappedRingRegion? _region;
    private RingKernel? _kernel;
    private string? _file;
    private bool _disposed;

    private readonly Action _closed;

    public ServerSession(Socket socket, RingFactory factory, RingServerOptions options, string folder, int id, Action closed)
    {
        _closed = closed;
        _socket = socket;
        _factory = factory;
        _options = options;
        _folder = folder;
        _id = id;
    }

    /// <summary>The client's kernel, once it asked for a ring.</summary>
    public RingKernel? Kernel => _kernel;

    /// <summary>Whether the session has ended.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Serves requests until the client closes the connection or breaks the protocol.</summary>
    public void Serve()
    {
        Span<byte> request = stackalloc byte[Wire.RequestSize];
        try
        {
            while (Wire.ReadExactly(_socket, request))
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
                        SetUp(a, b, c);
                        break;
                    case Wire.Ready when _file is not null:
                        File.Delete(_file); // both sides have it mapped; nothing is left on disk from here on
                        _file = null;
                        Reply(Errno.OK);
                        break;
                    case Wire.Enter when _kernel is not null:
                        var result = Enter(a, b);
                        if (result.Error == Errno.ECANCELED && ClientHungUp())
                        {
                            return; // the client died while it waited: tear down (finally)
                        }

                        Reply(result.Error, result.Consumed);
                        break;
                    default:
                        Reply(Errno.EINVAL);
                        break;
                }
            }
        }
        catch (SocketException)
        {
            // The client went away mid-reply: the same as a clean close.
        }
        catch (ObjectDisposedException)
        {
            // The server is shutting down.
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Cancels pending work, closes descriptors, unmaps, closes the socket; idempotent.</summary>
    public void Dispose()
    {
        lock (_teardown)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _kernel?.Dispose();
        _region?.Dispose();
        if (_file is not null)
        {
            File.Delete(_file);
        }

        _socket.Dispose();
        IsClosed = true;
        _closed();
    }

    private void SetUp(uint sq, uint cq, uint user)
    {
        if (_kernel is not null || user > _options.MaxUserMemory)
        {
            Reply(Errno.EINVAL);
            return;
        }

        RingLayout layout;
        try
        {
            layout = new RingLayout(sq, cq, user);
        }
        catch (ArgumentOutOfRangeException)
        {
            Reply(Errno.EINVAL);
            return;
        }

        _file = Path.Combine(_folder, $"ring-{Environment.ProcessId}-{_id}.bin");
        _region = MappedRingRegion.Create(_file, layout);
        _kernel = _factory.Attach(_region, _options.Ring with { SqEntries = sq, CqEntries = cq, UserMemorySize = user });
        var path = Encoding.UTF8.GetBytes(_file);
        Span<byte> reply = stackalloc byte[Wire.ReplySize + 2 + path.Length];
        Wire.WriteReply(reply, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(reply[Wire.ReplySize..], (ushort)path.Length);
        path.CopyTo(reply[(Wire.ReplySize + 2)..]);
        _socket.Send(reply);
    }

    /// <summary>
    /// Runs an enter on this thread. While it waits, the kernel asks every few milliseconds whether the client hung
    /// up (a well-behaved client sends nothing while it waits, so readable-with-nothing-to-read means closed); a
    /// client that dies mid-wait is noticed at once and its ring torn down.
    /// </summary>
    private EnterResult Enter(uint amount, uint wait) => _kernel!.Enter(amount, wait, ClientHungUp);

    private bool ClientHungUp()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
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
