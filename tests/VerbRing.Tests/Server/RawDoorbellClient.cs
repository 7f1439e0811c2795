using System.Buffers.Binary;
using System.Net.Sockets;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Server;

/// <summary>
/// A client speaking the wire protocol by hand, without <see cref="RingClient"/>'s manners: it sets up a ring, maps
/// it with the doorbell page, switches to the doorbell, and then can do what a crashed or hostile client does —
/// drop the socket without ringing, write to the socket it should leave alone, scribble over the page.
/// </summary>
internal sealed unsafe class RawDoorbellClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly MappedRingRegion _region;

    public RawDoorbellClient(string socketPath, uint sq = 8, uint cq = 8, uint user = 4096)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        Span<byte> request = stackalloc byte[Wire.RequestSize];
        Wire.WriteRequest(request, Wire.Setup, sq, cq, user);
        _socket.Send(request);
        Span<byte> reply = stackalloc byte[Wire.ReplySize];
        DescriptorPassing.Receive(_socket, reply, out var memory, out _).ShouldBeTrue("the server answers");
        BinaryPrimitives.ReadInt32LittleEndian(reply[4..]).ShouldBe(0, "setup");
        _region = MappedRingRegion.FromDescriptor(memory.ShouldNotBeNull("the memory came with the reply"), new RingLayout(sq, cq, user), trailerSize: Doorbell.Size);
        Call(Wire.Ready).Errno.ShouldBe(0, "ready");
        Switch = Call(Wire.UseDoorbell);
    }

    /// <summary>The server's answer to the switch: errno, the page's offset, its size.</summary>
    public (int Errno, uint Offset, uint Size) Switch { get; }

    public RingLayout Layout => _region.Layout;

    /// <summary>The doorbell page, as this client maps it.</summary>
    public Doorbell Bell => new(_region.Trailer);

    /// <summary>The doorbell page's bytes, to scribble on.</summary>
    public Span<byte> Page => new(_region.Trailer, Doorbell.Size);

    /// <summary>Writes to the socket, which a client on the doorbell must leave alone.</summary>
    public void SendOnSocket(ReadOnlySpan<byte> bytes) => _socket.Send(bytes);

    /// <summary>Closes the socket without ringing, as a killed process does; the mapping stays.</summary>
    public void HangUp() => _socket.Dispose();

    public void Dispose()
    {
        _socket.Dispose();
        _region.Dispose();
    }

    private (int Errno, uint A, uint B) Call(uint kind, uint a = 0, uint b = 0, uint c = 0)
    {
        Span<byte> request = stackalloc byte[Wire.RequestSize];
        Wire.WriteRequest(request, kind, a, b, c);
        _socket.Send(request);
        Span<byte> reply = stackalloc byte[Wire.ReplySize];
        Wire.ReadExactly(_socket, reply).ShouldBeTrue("the server answers");
        BinaryPrimitives.ReadUInt32LittleEndian(reply).ShouldBe(Wire.ReplyMagic);
        return (BinaryPrimitives.ReadInt32LittleEndian(reply[4..]), BinaryPrimitives.ReadUInt32LittleEndian(reply[8..]), BinaryPrimitives.ReadUInt32LittleEndian(reply[12..]));
    }
}
