using System.Net.Sockets;
using System.Runtime.InteropServices;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Kernel.Tracing;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Tracing;

/// <summary>
/// The trace area (spec/transport.md, "The trace area") as hostile ground both ways: its layout is pinned, a client
/// keeps only records whose every field a server can have written, and a client scribbling on the area costs only
/// its own trace.
/// </summary>
public sealed unsafe class TraceAreaTests : IDisposable
{
    private const uint Sq = 8;
    private const uint Cq = 8;
    private readonly long _size = TraceArea.Size(Sq, Cq);
    private readonly byte* _area;

    public TraceAreaTests()
    {
        // Unsafe: a zeroed area of the exact size, with 4096 guard bytes after it that nothing may touch.
        _area = (byte*)NativeMemory.AllocZeroed((nuint)(_size + 4096));
        new Span<byte>(_area + _size, 4096).Fill(0xA5);
    }

    public void Dispose() => NativeMemory.Free(_area);

    [Fact]
    public void TraceRecord_Layout_IsTheDocumentedOne()
    {
        var record = default(TraceRecord);
        var start = (byte*)&record;
        sizeof(TraceRecord).ShouldBe(128);
        ((byte*)&record.Kind - start).ShouldBe(0);
        ((byte*)&record.OpOrAmount - start).ShouldBe(4);
        ((byte*)&record.DataOrCounts - start).ShouldBe(8);
        ((byte*)&record.Time - start).ShouldBe(16);
        ((byte*)&record.ResultOrEnd - start).ShouldBe(24);
        ((byte*)&record.Outcome - start).ShouldBe(32);
        ((byte*)&record.Error - start).ShouldBe(36);
        ((byte*)record.Args - start).ShouldBe(40);
        ((byte*)&record.ByteCount - start).ShouldBe(80);
        (record.Bytes - start).ShouldBe(88);
        TraceArea.Size(64, 128).ShouldBe(4096 + (256 * 128));
        (TraceArea.Size(Sq, Cq) % 4096).ShouldBe(0);
    }

    [Fact]
    public void Reader_BadHeader_IsRefused()
    {
        TraceReader.Open(_area, Sq, Cq).ShouldBeNull("no magic");
        WriteHeader();
        *(uint*)(_area + TraceArea.CapacityOffset) = 1 << 20; // more records than the area holds
        TraceReader.Open(_area, Sq, Cq).ShouldBeNull("a capacity that is not the ring's");
    }

    [Fact]
    public void Reader_RecordsNoServerWrites_AreSkippedAndCounted()
    {
        WriteHeader();
        var reader = TraceReader.Open(_area, Sq, Cq)!;
        Put(0, Completion(bytes: 4, result: 4));
        Put(1, Completion(bytes: 200, result: 300));          // a preview longer than a record holds
        Put(2, Completion(bytes: 8, result: 2));              // more bytes than the verb moved
        Put(3, default(TraceRecord) with { Kind = (TraceRecordKind)7 });
        Put(4, Completion(bytes: 0, result: 0) with { Outcome = 9 });
        Put(5, Enter(amount: 1, consumed: 5, began: 10, ended: 20)); // consumed more than asked
        Put(6, Enter(amount: 5, consumed: 5, began: 30, ended: 20)); // ended before it began
        Put(7, Enter(amount: 5, consumed: 5, began: 10, ended: 20));
        Publish(8);

        reader.Drain();

        reader.Records().Select(r => r.Kind).ShouldBe([TraceRecordKind.Completion, TraceRecordKind.Enter]);
        reader.Invalid.ShouldBe(6);
        reader.IsComplete.ShouldBeFalse();
        (*(uint*)(_area + TraceArea.ReadOffset)).ShouldBe(8u, "the reader tells the server how far it read");
    }

    [Fact]
    public void Reader_WrittenFarAhead_MarksTheTraceDamaged_AndReadsNothing()
    {
        WriteHeader();
        var reader = TraceReader.Open(_area, Sq, Cq)!;
        Publish(TraceArea.Capacity(Sq, Cq) + 1);

        reader.Drain();

        reader.Damaged.ShouldBeTrue();
        reader.Records().ShouldBeEmpty();
    }

    [Fact]
    public void Shipper_ClientScribblingItsReadWord_DropsRecords_AndNeverWritesOutsideTheArea()
    {
        using var region = NativeRingRegion.Allocate(new RingLayout(Sq, Cq, 4096));
        var shipper = new TraceShipper(_area, Sq, Cq, region, TimeProvider.System);
        var operation = new TracedOperation
        {
            Data = 1, Op = (uint)Op.Nop, Outcome = TracedOutcome.Ran, Arg0 = 0, Arg1 = 0, Arg2 = 0, Arg3 = 0, Arg4 = 0, Error = Errno.OK, Result = 0,
        };

        *(uint*)(_area + TraceArea.ReadOffset) = 0xDEADBEEF; // nonsense: the ring looks full
        for (var i = 0; i < 3 * TraceArea.Capacity(Sq, Cq); i++)
        {
            shipper.OnCompleted(in operation);
        }

        (*(uint*)(_area + TraceArea.DroppedOffset)).ShouldBe(3 * TraceArea.Capacity(Sq, Cq));
        (*(uint*)(_area + TraceArea.WrittenOffset)).ShouldBe(0u);

        *(uint*)(_area + TraceArea.ReadOffset) = 0; // a client that reads: records flow until the ring is full
        for (var i = 0; i < 3 * TraceArea.Capacity(Sq, Cq); i++)
        {
            shipper.OnCompleted(in operation);
        }

        (*(uint*)(_area + TraceArea.WrittenOffset)).ShouldBe(TraceArea.Capacity(Sq, Cq));
        new ReadOnlySpan<byte>(_area + _size, 4096).ToArray().ShouldAllBe(b => b == 0xA5, "nothing past the area");
    }

    [Fact]
    public void Setup_WithTheTraceFlag_HandsOverTheTraceAreaAfterTheDoorbell_WithoutIt_TheMemoryIsUnchanged()
    {
        var folder = Directory.CreateTempSubdirectory("verbring-trace-").FullName;
        try
        {
            using var server = new RingServer(RingFactory.CreateDefault(fileSystem: new MemoryNamespace()), Path.Combine(folder, "s.sock"));
            var layout = new RingLayout(Sq, Cq, 4096);
            SetupReplySize(server.SocketPath, Sq | Wire.SetupTraced).ShouldBe((uint)(layout.TotalSize + Doorbell.Size + TraceArea.Size(Sq, Cq)));
            SetupReplySize(server.SocketPath, Sq).ShouldBe((uint)(layout.TotalSize + Doorbell.Size), "a client that does not ask sees what it always saw");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RunConnected_RecordsTheServersEntersAndTimes()
    {
        var folder = Directory.CreateTempSubdirectory("verbring-trace-").FullName;
        try
        {
            using var server = new RingServer(RingFactory.CreateDefault(fileSystem: new MemoryNamespace()), Path.Combine(folder, "s.sock"));
            var program = VerbRing.Verbs.Programs.LinkedProgram.FromText("nop link\nnop\nnop\n", "t.vr", new VerbRing.Verbs.Programs.RingCapacity());

            var traced = ProgramHost.RunConnected(server.SocketPath, program, new RingOptions(), TimeSpan.FromSeconds(30));

            traced.Remote.ShouldBeFalse("the server's records, not a rebuild");
            traced.Trace.Count.ShouldBe(3);
            traced.Enters.ShouldNotBeEmpty();
            traced.Enters[0].Consumed.ShouldBe(3u);
            traced.Trace.ShouldAllBe(e => e.CompletedAt >= traced.Enters[0].Began && e.CompletedAt <= traced.Enters[0].Ended);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static uint SetupReplySize(string path, uint sq)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(new uint[] { Wire.RequestMagic, Wire.Setup, sq, Cq, 4096 }.SelectMany(BitConverter.GetBytes).ToArray());
        var reply = new byte[Wire.ReplySize];
        DescriptorPassing.Receive(socket, reply, out var memory, out _).ShouldBeTrue();
        using (memory)
        {
            BitConverter.ToInt32(reply, 4).ShouldBe(0);
            RandomAccess.GetLength(memory!).ShouldBe(BitConverter.ToUInt32(reply, 12), "b is the memory's real size");
            return BitConverter.ToUInt32(reply, 12);
        }
    }

    private static TraceRecord Completion(uint bytes, ulong result) =>
        new() { Kind = TraceRecordKind.Completion, OpOrAmount = (uint)Op.Read, ByteCount = bytes, ResultOrEnd = result };

    private static TraceRecord Enter(uint amount, uint consumed, ulong began, ulong ended) =>
        new() { Kind = TraceRecordKind.Enter, OpOrAmount = amount, DataOrCounts = (ulong)consumed << 32, Time = began, ResultOrEnd = ended };

    private void WriteHeader()
    {
        *(uint*)(_area + TraceArea.MagicOffset) = TraceArea.Magic;
        *(uint*)(_area + TraceArea.RecordSizeOffset) = TraceRecord.Size;
        *(uint*)(_area + TraceArea.CapacityOffset) = TraceArea.Capacity(Sq, Cq);
    }

    private void Put(uint slot, TraceRecord record) => *(TraceRecord*)(_area + TraceArea.HeaderSize + (slot * TraceRecord.Size)) = record;

    private void Publish(uint written) => *(uint*)(_area + TraceArea.WrittenOffset) = written;
}
