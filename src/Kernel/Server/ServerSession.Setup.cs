using System.Buffers.Binary;
using System.Net.Sockets;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The session before it has a thread: the server's setup loop feeds it whatever bytes have arrived, a request at a
/// time, without ever blocking on it — the setup request, then, once the ring exists, the first request after the
/// reply, which the session thread then serves. Everything here runs on the setup loop's thread.
/// </summary>
internal sealed unsafe partial class ServerSession
{
    private readonly byte[] _head = new byte[Wire.RequestSize];
    private int _headLength;

    /// <summary>What <see cref="ReadSome"/> found.</summary>
    public enum Arrival
    {
        /// <summary>Part of a request: wait for more.</summary>
        Partial,

        /// <summary>A whole request is in <see cref="Head"/>.</summary>
        Request,

        /// <summary>The client closed the connection, or it failed.</summary>
        Closed,
    }

    /// <summary>The socket's descriptor, for the setup loop's poll.</summary>
    public nint Fd => _socket.Handle;

    /// <summary>The request read last (whole once <see cref="ReadSome"/> said so).</summary>
    public ReadOnlySpan<byte> Head => _head;

    /// <summary>The deadline of the whole setup, on the server's clock; disposed when setup ends either way.</summary>
    public ITimer? Deadline { get; set; }

    /// <summary>Whether the setup loop still holds the session (false once it has a thread, or was dropped).</summary>
    public bool InSetup { get; set; } = true;

    /// <summary>
    /// Reads what the socket holds, never past the request being read (so nothing of a later request is taken
    /// from the session thread). Called when poll said the socket is readable, so it does not block.
    /// </summary>
    public Arrival ReadSome()
    {
        try
        {
            var read = _socket.Receive(_head.AsSpan(_headLength));
            if (read == 0)
            {
                return Arrival.Closed;
            }

            _headLength += read;
            if (_headLength < Wire.RequestSize)
            {
                return Arrival.Partial;
            }

            _headLength = 0; // the next request starts over
            return Arrival.Request;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return Arrival.Closed;
        }
    }

    /// <summary>
    /// Whether <see cref="Head"/> is a well-formed setup request; its sizes are checked by <see cref="SetUp"/>.
    /// <paramref name="traced"/>: the client asked for the trace area (<see cref="Wire.SetupTraced"/> in a).
    /// </summary>
    public bool IsSetupRequest(out uint sq, out uint cq, out uint user, out bool traced)
    {
        sq = BinaryPrimitives.ReadUInt32LittleEndian(_head.AsSpan(8));
        traced = (sq & Wire.SetupTraced) != 0;
        sq &= ~Wire.SetupTraced;
        cq = BinaryPrimitives.ReadUInt32LittleEndian(_head.AsSpan(12));
        user = BinaryPrimitives.ReadUInt32LittleEndian(_head.AsSpan(16));
        return BinaryPrimitives.ReadUInt32LittleEndian(_head) == Wire.RequestMagic && BinaryPrimitives.ReadUInt32LittleEndian(_head.AsSpan(4)) == Wire.Setup;
    }

    /// <summary>
    /// Makes the ring — sealed memory, a kernel over it — and replies with the memory's descriptor attached; or
    /// refuses a shape the server does not give (EINVAL, no reply sent: the caller sends it). Throws if the memory
    /// cannot be made.
    /// </summary>
    public Errno SetUp(uint sq, uint cq, uint user, bool traced = false)
    {
        if (_kernel is not null || user > _options.MaxUserMemory)
        {
            return Errno.EINVAL;
        }

        RingLayout layout;
        try
        {
            layout = new RingLayout(sq, cq, user);
        }
        catch (ArgumentOutOfRangeException)
        {
            return Errno.EINVAL;
        }

        // Sealed anonymous memory: the client cannot resize it, nothing is on disk, and its descriptor goes to this
        // client alone, with the reply; the server keeps only its mapping.
        // A traced ring's memory also holds the trace area, after the doorbell page.
        var trailer = Doorbell.Size + (traced ? TraceArea.Size(sq, cq) : 0);
        var region = MappedRingRegion.CreateSealed($"{_name}-{_id}", layout, trailer, out var memory);
        using (memory)
        {
            RingKernel kernel;
            try
            {
                _shipper = traced ? new TraceShipper(region.Trailer + Doorbell.Size, sq, cq, region, _factory.Time) : null; // Unsafe: inside the trailer
                kernel = _factory.Attach(region, _options.Ring with { SqEntries = sq, CqEntries = cq, UserMemorySize = user }, _shipper);
            }
            catch
            {
                region.Dispose();
                throw;
            }

            lock (_teardown) // Dispose reads them; in setup only this thread disposes, but the lock keeps the rule simple
            {
                _region = region;
                _kernel = kernel;
            }

            Span<byte> reply = stackalloc byte[Wire.ReplySize];
            Wire.WriteReply(reply, 0, Wire.SetupVersion, (uint)(layout.TotalSize + trailer));
            try
            {
                _ = DescriptorPassing.Send(_socket, reply, memory); // a client gone or not reading: what follows notices
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The rest of the reply did not go: the same.
            }
        }

        return Errno.OK;
    }

    /// <summary>
    /// Ends a session that never got a thread: replies <paramref name="errno"/> first unless it is OK (a client
    /// that stopped reading loses only the reply), then tears down and unmaps on this thread.
    /// </summary>
    public void Drop(Errno errno = Errno.OK, uint a = 0)
    {
        Deadline?.Dispose();
        InSetup = false;
        if (errno != Errno.OK)
        {
            Span<byte> reply = stackalloc byte[Wire.ReplySize];
            Wire.WriteReply(reply, (int)errno, a);
            Send(reply);
        }

        DiscardUnread();
        Dispose();
        Release();
    }

    /// <summary>
    /// Reads and drops what the client sent that the server will never read (at most 64 KiB): a Unix socket closed
    /// with unread bytes resets its peer, which would then lose the reply just sent instead of reading it and EOF.
    /// </summary>
    private void DiscardUnread()
    {
        Span<byte> scratch = stackalloc byte[1024];
        try
        {
            for (var left = 64; left > 0 && _socket.Available > 0; left--)
            {
                _ = _socket.Receive(scratch); // Available > 0: returns at once
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client is gone: nothing to protect.
        }
    }

    /// <summary>
    /// Sends a setup reply. It does not block the setup loop: a connection in setup is sent a reply or two of at
    /// most ~1 KiB in all, and a Unix socket's buffer holds far more, whether or not the client reads.
    /// </summary>
    private void Send(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _ = _socket.Send(bytes);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client is gone or not reading: what follows (a session thread, or the drop) notices.
        }
    }
}
