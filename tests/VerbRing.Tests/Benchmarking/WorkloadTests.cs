using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Benchmarking;

/// <summary>
/// The benchmark workloads measure what their names say: on every kernel they run and leave the file they worked
/// on right, and a ring that answers wrongly (a verb denied, a file changed behind their back) fails them instead
/// of making them faster.
/// </summary>
public sealed class WorkloadTests
{
    private static readonly RingOptions Big = new() { SqEntries = 256, CqEntries = 256 };

    [Theory]
    [InlineData(KernelPlacement.InProcess)]
    [InlineData(KernelPlacement.KernelThread)]
    [InlineData(KernelPlacement.Server)]
    public void Chain_EveryWay_CompletesAndLeavesTheFileDoubled(KernelPlacement kernel)
    {
        using var harness = Kernels.Create(kernel, Big, new MemoryNamespace(), new ManualClock(), []);
        var direct = new MemoryNamespace();
        var work = new ChainWorkload(harness.Ring, direct);

        for (var i = 0; i < 3; i++)
        {
            work.Direct();
            work.SingleCalls();
            work.Chain();
            work.SkipChain();
            work.Floor();
        }

        work.Verify();
        Length(harness.Files, "/bench.dat").ShouldBe(2 * ChainWorkload.Chunk);
        Length(direct, "/bench.dat").ShouldBe(2 * ChainWorkload.Chunk);
        harness.OpenDescriptors.ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(CopyWorkload.Block)]
    [InlineData((3 * CopyWorkload.Block) + 5)]
    public void Copy_EveryWay_LeavesOutputEqualToInput(int size)
    {
        var folder = Directory.CreateTempSubdirectory("verbring-copywork-").FullName;
        try
        {
            using var files = new HostNamespace(folder);
            using var ring = RingFactory.CreateDefault(fileSystem: files)
                .Create(new RingOptions { SqEntries = 8, CqEntries = 8, UserMemorySize = CopyWorkload.UserMemory });
            var work = new CopyWorkload(ring, folder, size);
            var copies = new Action[] { work.CopyAll, work.SingleEnters, work.StreamCopy, work.FileCopy };

            foreach (var copy in copies)
            {
                File.Delete(Path.Combine(folder, "out.bin"));
                copy();
                work.Verify();
                new FileInfo(Path.Combine(folder, "out.bin")).Length.ShouldBe(size);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(KernelPlacement.InProcess, 1, false)]
    [InlineData(KernelPlacement.InProcess, 256, true)]
    [InlineData(KernelPlacement.KernelThread, 8, true)]
    [InlineData(KernelPlacement.Server, 64, false)]
    public void Nops_RunAndLeaveNothingInFlight(KernelPlacement kernel, int batch, bool linked)
    {
        using var harness = Kernels.Create(kernel, Big, new MemoryNamespace(), new ManualClock(), []);
        var work = new NopWorkload(harness.Ring, batch, linked);

        work.Run(5);

        harness.InFlight.ShouldBe(0);
        harness.Ring.CqUnread.ShouldBe(0u);
    }

    [Theory]
    [InlineData(KernelPlacement.InProcess)]
    [InlineData(KernelPlacement.KernelThread)]
    [InlineData(KernelPlacement.Server)]
    public void Stream_PushesMoreThanTheRingHolds_InOrder(KernelPlacement kernel)
    {
        using var harness = Kernels.Create(kernel, Big, new MemoryNamespace(), new ManualClock(), []);
        var stream = new StreamWorkload(harness.Ring);

        stream.Run(3000);
        stream.Run(1000);

        harness.InFlight.ShouldBe(0);
        harness.Ring.CqUnread.ShouldBe(0u);
    }

    [Fact]
    public void Chain_WhenADescriptorIsHeldBetweenRuns_FailsTheCheck()
    {
        using var harness = Kernels.Create(KernelPlacement.InProcess, Big, new MemoryNamespace(), new ManualClock(), []);
        var work = new ChainWorkload(harness.Ring, harness.Files);
        work.Chain();

        // Something else now holds the descriptor every run got: the next OPEN gets another one.
        harness.RunOne(Sqes.Open(harness.Put("/bench.dat"), OpenFlags.Read)).ShouldSucceedWith(0);

        Should.Throw<BenchmarkCheckException>(work.Chain).Message.ShouldContain("descriptor 0");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Chain_WhenTheRingDeniesSeek_FailsTheCheckInsteadOfGettingFaster(bool linked)
    {
        var options = Big with { Policy = RingPolicy.AllowOnly(Op.Open, Op.Read, Op.Write, Op.Close) };
        using var harness = Kernels.Create(KernelPlacement.InProcess, options, new MemoryNamespace(), new ManualClock(), []);
        var work = new ChainWorkload(harness.Ring, harness.Files);

        var failure = Should.Throw<BenchmarkCheckException>(linked ? work.Chain : work.SingleCalls);

        failure.Message.ShouldContain("Seek (data 3) completed as op 6, data 3, errno EPERM");
    }

    [Fact]
    public void Floor_WhenTheFileIsShorterThanAChunk_FailsTheCheck()
    {
        using var harness = Kernels.Create(KernelPlacement.InProcess, Big, new MemoryNamespace(), new ManualClock(), []);
        var direct = new MemoryNamespace();
        var work = new ChainWorkload(harness.Ring, direct);
        direct.Open(direct.Root, "/bench.dat"u8, OpenFlags.Write | OpenFlags.Truncate, out var node).ShouldBe(Errno.OK);
        node.Write(0, new byte[100], append: false, out _, out _).ShouldBe(Errno.OK);
        node.Release();

        Should.Throw<BenchmarkCheckException>(work.Floor).Message.ShouldContain("READ saved 100");
    }

    [Fact]
    public void Verify_AfterTheFileChangedBehindTheBenchmark_Fails()
    {
        using var harness = Kernels.Create(KernelPlacement.InProcess, Big, new MemoryNamespace(), new ManualClock(), []);
        var work = new ChainWorkload(harness.Ring, harness.Files);
        work.Chain();

        harness.Files.Open(harness.Files.Root, "/bench.dat"u8, OpenFlags.Write, out var node).ShouldBe(Errno.OK);
        node.Write(5000, "x"u8, append: false, out _, out _).ShouldBe(Errno.OK);
        node.Release();

        Should.Throw<BenchmarkCheckException>(work.Verify).Message.ShouldContain("byte 5000");
    }

    [Fact]
    public void Verify_WhenNothingWrote_Fails()
    {
        using var harness = Kernels.Create(KernelPlacement.InProcess, Big, new MemoryNamespace(), new ManualClock(), []);
        var work = new ChainWorkload(harness.Ring, new MemoryNamespace());
        work.Chain();
        work.Direct();
        harness.Files.Open(harness.Files.Root, "/bench.dat"u8, OpenFlags.Write | OpenFlags.Truncate, out var node).ShouldBe(Errno.OK);
        node.Release();

        Should.Throw<BenchmarkCheckException>(work.Verify).Message.ShouldContain("did not write");
    }

    [Fact]
    public void Nops_WhenTheRingDeniesNop_FailTheCheck()
    {
        var options = Big with { Policy = RingPolicy.AllowOnly(Op.Read) };
        using var harness = Kernels.Create(KernelPlacement.InProcess, options, new MemoryNamespace(), new ManualClock(), []);

        Should.Throw<BenchmarkCheckException>(() => new NopWorkload(harness.Ring, 8, linked: false).Round()).Message.ShouldContain("EPERM");
        Should.Throw<BenchmarkCheckException>(() => new StreamWorkload(harness.Ring).Run(10)).Message.ShouldContain("EPERM");
    }

    [Fact]
    public void Nops_InSteadyState_AllocateNothingPerEnter()
    {
        using var harness = Kernels.Create(KernelPlacement.InProcess, Big, new MemoryNamespace(), new ManualClock(), []);
        var nops = new NopWorkload(harness.Ring, 64, linked: false);
        var linked = new NopWorkload(harness.Ring, 64, linked: true);
        var chain = new ChainWorkload(harness.Ring, harness.Files);
        nops.Run(10);
        linked.Run(10);
        chain.Chain();
        chain.SkipChain();
        chain.Floor();

        var before = GC.GetAllocatedBytesForCurrentThread();
        nops.Run(100);
        linked.Run(100);
        for (var i = 0; i < 100; i++)
        {
            chain.Chain();
            chain.SkipChain();
            chain.Floor();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    private static long Length(MemoryNamespace files, string path)
    {
        files.Open(files.Root, System.Text.Encoding.UTF8.GetBytes(path), OpenFlags.Read, out var node).ShouldBe(Errno.OK);
        var length = node.Length;
        node.Release();
        return length;
    }
}
