using System.Buffers.Binary;
using System.Net.Sockets;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Verbs.Client;

/// <summary>
/// The client side of <c>verbring serve</c>: connects, asks for a ring, maps the memory the server hands over with
/// its reply (the descriptor closed once mapped), and gives back an ordinary <see cref="IoRing"/> whose enter rings the doorbell (or, if asked, is a request on the socket).
/// Programs run unchanged on it.
/// </summary>
public static class RingClient
{
    /// <summary>Connects to the server at <paramref name="socketPath"/> and sets up a ring of the given shape.</summary>
    public static IoRing Connect(
        string socketPath, uint sqEntries = 64, uint cqEntries = 128, uint userMemory = 64 * 1024, EnterTransport transport = EnterTransport.Doorbell) =>
        Connect(socketPath, sqEntries, cqEntries, userMemory, transport, trace: false, out _);

    /// <summary>
    /// Connects and sets up a ring whose server ships its kernel observer's records (<see cref="TraceArea"/>):
    /// <paramref name="trace"/> receives them after each enter.
    /// </summary>
    internal static IoRing ConnectTraced(string socketPath, uint sqEntries, uint cqEntries, uint userMemory, out TraceReader trace)
    {
        var ring = Connect(socketPath, sqEntries, cqEntries, userMemory, EnterTransport.Doorbell, trace: true, out var reader);
        trace = reader!;
        return ring;
    }

    private static IoRing Connect(
        string socketPath, uint sqEntries, uint cqEntries, uint userMemory, EnterTransport transport, bool trace, out TraceReader? reader)
    {
        var layout = new RingLayout(sqEntries, cqEntries, userMemory); // refuse a bad shape before asking
        var doorbell = transport == EnterTransport.Doorbell && Futex.IsSupported;
        var trailer = trace ? Doorbell.Size + TraceArea.Size(sqEntries, cqEntries) : doorbell ? Doorbell.Size : 0;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        MappedRingRegion? region = null;
        reader = null;
        try
        {
            ConnectTo(socket, socketPath);
            Span<byte> request = stackalloc byte[Wire.RequestSize];
            Wire.WriteRequest(request, Wire.Setup, sqEntries | (trace ? Wire.SetupTraced : 0), cqEntries, userMemory);
            try
            {
                socket.Send(request);
            }
            catch (SocketException)
            {
                // The server may have refused this connection and closed it already: its reply, read next, says why.
            }

            region = MapMemory(socket, layout, trailer);
            if (trace)
            {
                reader = OpenTrace(region, sqEntries, cqEntries);
            }

            Wire.WriteRequest(request, Wire.Ready);
            socket.Send(request);
            if (ReadReply(socket, out _, out _) is var ready and not Errno.OK)
            {
                throw new IOException(ready == Errno.ETIMEDOUT ? Refusal(ready, 0) : $"The server did not confirm the ring: {ready}.");
            }

            IRingPort port = doorbell ? SwitchToDoorbell(socket, region) : new SocketPort(socket);
            return new IoRing(region, reader is null ? port : new TracingPort(port, reader));
        }
        catch
        {
            region?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The trace area after the doorbell page, or a sentence saying it is not what a tracing server writes.</summary>
    private static unsafe TraceReader OpenTrace(MappedRingRegion region, uint sqEntries, uint cqEntries) =>
        TraceReader.Open(region.Trailer + Doorbell.Size, sqEntries, cqEntries) // Unsafe: inside the trailer, mapped above
        ?? throw new IOException("The server's trace area is malformed (its header is not what this client asked for).");

    /// <summary>Connects, or says in one sentence why nobody can be reached at <paramref name="socketPath"/>.</summary>
    private static void ConnectTo(Socket socket, string socketPath)
    {
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            throw new IOException(
                !Path.Exists(socketPath) ? "No server: nothing is there." : e.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "No server answers there (it is a stale socket, or not a socket).",
                    SocketError.AccessDenied => "Permission denied: the socket's mode does not let this user connect.",
                    _ => $"Cannot connect: {e.Message}",
                },
                e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new IOException("The path is too long for a Unix socket (at most 107 bytes).", e);
        }
    }

    /// <summary>
    /// Reads the setup reply and maps the memory that came with it (SCM_RIGHTS), with <paramref name="trailerSize"/>
    /// bytes after the region; the descriptor is closed once mapped. A refusal becomes one sentence.
    /// </summary>
    private static MappedRingRegion MapMemory(Socket socket, RingLayout layout, long trailerSize)
    {
        Span<byte> reply = stackalloc byte[Wire.ReplySize];
        if (!DescriptorPassing.Receive(socket, reply, out var memory, out var cutOff) || BinaryPrimitives.ReadUInt32LittleEndian(reply) != Wire.ReplyMagic)
        {
            memory?.Dispose();
            throw new IOException("The server closed the connection or sent a malformed reply.");
        }

        using (memory)
        {
            var errno = (Errno)BinaryPrimitives.ReadInt32LittleEndian(reply[4..]);
            var a = BinaryPrimitives.ReadUInt32LittleEndian(reply[8..]);
            if (errno != Errno.OK)
            {
                throw new IOException(Refusal(errno, a, layout.UserMemorySize));
            }

            if (a != Wire.SetupVersion)
            {
                throw new IOException($"The server's setup reply is of another version (a = {a}; this client needs {Wire.SetupVersion}: the memory as a descriptor); use a server as new as the client.");
            }

            if (memory is null)
            {
                throw new IOException(cutOff ? "The ring's memory could not be received: this process has no descriptor free." : "The server sent no memory with its reply.");
            }

            try
            {
                return MappedRingRegion.FromDescriptor(memory, layout, trailerSize);
            }
            catch (InvalidDataException e)
            {
                throw new IOException($"The server's memory is smaller than this ring needs: {e.Message}", e); // e.g. no trace area
            }
        }
    }

    /// <summary>Asks the server to take enters from the doorbell page; it answers with where the page lies.</summary>
    private static unsafe DoorbellPort SwitchToDoorbell(Socket socket, MappedRingRegion region)
    {
        Span<byte> request = stackalloc byte[Wire.RequestSize];
        Wire.WriteRequest(request, Wire.UseDoorbell);
        socket.Send(request);
        if (ReadReply(socket, out var offset, out var size) != Errno.OK || offset != region.Layout.TotalSize || size != Doorbell.Size)
        {
            throw new IOException("The server refused the doorbell, or put it somewhere else.");
        }

        return new DoorbellPort(socket, region.Trailer);
    }

    /// <summary>What a setup refusal means, in one line (spec/transport.md, "Setup"); a is the reply's a.</summary>
    private static string Refusal(Errno errno, uint a, uint userMemory = 0) => errno switch
    {
        Errno.EINVAL when a > 0 => $"The server gives a ring at most {a} bytes of user memory, and this one asked for {userMemory} (EINVAL): ask for less, or start the server with a larger --max-user-memory.",
        Errno.EAGAIN when a > 0 => $"The server is full: it serves at most {a} client{(a == 1 ? "" : "s")} at once (EAGAIN); try again later.",
        Errno.EAGAIN => "The server is busy: too many connections are setting up (EAGAIN); try again later.",
        Errno.ETIMEDOUT => "The server closed the connection: setup did not finish within its deadline (ETIMEDOUT).",
        Errno.EACCES => $"The server does not serve this user (uid {a}, EACCES): it serves its own user and those it allows with --allow-uid or --allow-gid.",
        _ => $"The server refused the ring: {errno}.",
    };

    private static Errno ReadReply(Socket socket, out uint a, out uint b)
    {
        Span<byte> reply = stackalloc byte[Wire.ReplySize];
        if (!Wire.ReadExactly(socket, reply) || BinaryPrimitives.ReadUInt32LittleEndian(reply) != Wire.ReplyMagic)
        {
            throw new IOException("The server closed the connection or sent a malformed reply.");
        }

        a = BinaryPrimitives.ReadUInt32LittleEndian(reply[8..]);
        b = BinaryPrimitives.ReadUInt32LittleEndian(reply[12..]);
        return (Errno)BinaryPrimitives.ReadInt32LittleEndian(reply[4..]);
    }

    /// <summary>
    /// Enter as a request on the socket. One at a time: a second, concurrent enter is EBUSY. An enter with a timeout
    /// of its own gives up on a server that has not answered <see cref="Wire.AnswerSlack"/> after it: EPIPE, and the
    /// socket is not used again (a late answer would be read as the next enter's).
    /// </summary>
    private sealed class SocketPort(Socket socket) : IRingPort
    {
        private int _busy;
        private int _receiveTimeoutMs; // the socket's receive timeout now (0: none)
        private bool _broken;

        public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
        {
            if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                return new EnterResult(0, Errno.EINVAL);
            }

            // Interlocked: one request in flight on the socket; a concurrent or nested enter is EBUSY.
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

                var limit = timeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Min(Math.Ceiling((timeout + Wire.AnswerSlack).TotalMilliseconds), int.MaxValue);
                if (limit != _receiveTimeoutMs)
                {
                    socket.ReceiveTimeout = limit;
                    _receiveTimeoutMs = limit;
                }

                Span<byte> request = stackalloc byte[Wire.RequestSize];
                Wire.WriteRequest(request, Wire.Enter, amount, wait, Wire.EncodeTimeout(timeout));
                socket.Send(request);
                var errno = ReadReply(socket, out var consumed, out _);
                return new EnterResult(consumed, errno);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                _broken = true;
                return new EnterResult(0, Errno.EPIPE); // the server is gone, or as good as: it did not answer
            }
            finally
            {
                // Volatile.Write: release, the next enter starts after this one's reply.
                Volatile.Write(ref _busy, 0);
            }
        }

        public void Dispose() => socket.Dispose(); // the server sees the close and tears the ring down
    }
}
