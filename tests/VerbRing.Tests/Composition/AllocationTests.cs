using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Composition;

/// <summary>
/// The SQE path allocates nothing in steady state for NOP, READ, WRITE and SEEK. This counts bytes, not time:
/// the benchmarks' memory diagnoser shows the same per operation.
/// </summary>
public sealed class AllocationTests
{
    [Fact]
    public void Enter_SteadyStateNopReadWriteSeek_AllocatesNothing()
    {
        var files = new MemoryNamespace();
        files.WriteFile("/data", new byte[8192]);
        using var ring = RingFactory.CreateDefault(fileSystem: files, time: new FakeTimeProvider())
            .Create(new RingOptions { SqEntries = 64, CqEntries = 64 });
        var buffer = ring.Memory.Reserve(4096);
        ring.Push(Sqes.Open(ring.Memory.Put("/data"), OpenFlags.Read | OpenFlags.Write, save: Reg.R0));
        ring.SubmitAndWait();
        ring.TryPop(out var opened).ShouldBeTrue();
        opened.ShouldSucceedWith(0);

        void Round()
        {
            ring.Push(Sqes.Nop(link: SqeLink.Link));
            ring.Push(Sqes.Seek(Reg.R0, 0, Whence.Set, link: SqeLink.Link));
            ring.Push(Sqes.Read(Reg.R0, buffer, 4096, save: Reg.R1, link: SqeLink.Link));
            ring.Push(Sqes.Write(Reg.R0, buffer, Reg.R1, offset: 0, link: SqeLink.Link));
            ring.Push(Sqes.Poll(Reg.R0, PollEvents.Read));
            if (ring.SubmitAndWait() != new EnterResult(5, Errno.OK))
            {
                throw new InvalidOperationException("the round did not consume its five SQEs");
            }

            while (ring.TryPop(out var cqe))
            {
                if (cqe.Error != 0)
                {
                    throw new InvalidOperationException($"op {cqe.Op} failed with {cqe.Error}");
                }
            }
        }

        for (var i = 0; i < 200; i++)
        {
            Round(); // warm up: JIT, tiering, first-use statics
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Round();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0L);
    }

    [Fact]
    public void Enter_WarmOpenAndCloseOfAnExistingFile_AllocatesNothing()
    {
        var files = new MemoryNamespace();
        files.WriteFile("/dir/data", "x");
        using var ring = RingFactory.CreateDefault(fileSystem: files, time: new FakeTimeProvider()).Create();
        var path = ring.Memory.Put("/dir/../dir/./data");

        void Round()
        {
            ring.Push(Sqes.Open(path, OpenFlags.Read | OpenFlags.Write, save: Reg.R0, link: SqeLink.Link));
            ring.Push(Sqes.Close(Reg.R0));
            if (ring.SubmitAndWait() != new EnterResult(2, Errno.OK))
            {
                throw new InvalidOperationException("the round did not consume its SQEs");
            }

            while (ring.TryPop(out var cqe))
            {
                if (cqe.Error != 0)
                {
                    throw new InvalidOperationException($"op {cqe.Op} failed with {cqe.Error}");
                }
            }
        }

        for (var i = 0; i < 200; i++)
        {
            Round();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Round();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0L);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Enter_HostFileChain_OpenReadWriteClose_AllocatesNothingOnceWarm(bool walk)
    {
        // The design card's chain on a host folder, through both resolvers: pooled nodes, paths on the stack.
        using var box = new HostBox();
        box.Folder("dir");
        box.WriteFile("dir/data", new string('x', 4096));
        using var files = new HostNamespace(box.Sandbox, readOnly: false, maxFileSize: 1 << 20, walk ? HostResolution.Walk : HostResolution.Auto);
        using var ring = RingFactory.CreateDefault(fileSystem: files, time: new FakeTimeProvider()).Create();
        var path = ring.Memory.Put("/dir/../dir/./data");
        var buffer = ring.Memory.Reserve(4096);

        void Round()
        {
            ring.Push(Sqes.Open(path, OpenFlags.Read | OpenFlags.Write, save: Reg.R0, link: SqeLink.Link));
            ring.Push(Sqes.Read(Reg.R0, buffer, 4096, save: Reg.R1, link: SqeLink.Link));
            ring.Push(Sqes.Write(Reg.R0, buffer, Reg.R1, offset: 4096, link: SqeLink.Link));
            ring.Push(Sqes.Seek(Reg.R0, 0, Whence.Set, link: SqeLink.Link));
            ring.Push(Sqes.Close(Reg.R0));
            if (ring.SubmitAndWait() != new EnterResult(5, Errno.OK))
            {
                throw new InvalidOperationException("the round did not consume its SQEs");
            }

            while (ring.TryPop(out var cqe))
            {
                if (cqe.Error != 0)
                {
                    throw new InvalidOperationException($"op {cqe.Op} failed with {cqe.Error}");
                }
            }
        }

        for (var i = 0; i < 200; i++)
        {
            Round(); // warm up: JIT, tiering, the node pool
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            Round();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0L);
        files.OpenHandles.ShouldBe(0);
    }

    [Fact]
    public void Enter_ManyPendingPollsOnAnEightEntryRing_GrowThePoolOnceThenAllocateNothing()
    {
        const int Polls = 512;
        using var ring = RingFactory.CreateDefault(fileSystem: new MemoryNamespace(), time: new FakeTimeProvider())
            .Create(new RingOptions { SqEntries = 8, CqEntries = 8 });
        var buffer = ring.Memory.Reserve(8);
        ring.Push(Sqes.Pipe(save: Reg.R0));
        ring.SubmitAndWait();
        ring.TryPop(out var piped).ShouldBeTrue();
        piped.Error.ShouldBe(0);

        void Expect(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvalidOperationException(what);
            }
        }

        // 512 POLLs pend on an 8-slot start (the pool grows), one WRITE wakes them all, their CQEs pass through an
        // 8-entry CQ by way of the backlog, and a READ empties the pipe for the next round.
        void Round()
        {
            for (var pushed = 0; pushed < Polls; pushed += 8)
            {
                for (var i = 0; i < 8; i++)
                {
                    ring.Push(Sqes.Poll(Reg.R0.Low, PollEvents.Read));
                }

                Expect(ring.Enter(8, 0) == new EnterResult(8, Errno.OK), "the POLLs were consumed");
            }

            ring.Push(Sqes.Write(Reg.R0.High, buffer, 1));
            Expect(ring.Enter(1, 0) == new EnterResult(1, Errno.OK), "the WRITE was consumed");
            for (var seen = 0; seen < Polls + 1;)
            {
                while (ring.TryPop(out var cqe))
                {
                    Expect(cqe.Error == 0, "a POLL or the WRITE failed");
                    seen++;
                }

                ring.Enter(0, 0); // flushes the backlog into the CQ slots just freed
            }

            ring.Push(Sqes.Read(Reg.R0.Low, buffer, 8));
            Expect(ring.SubmitAndWait() == new EnterResult(1, Errno.OK) && ring.TryPop(out var read) && read.Result == 1, "the READ emptied the pipe");
        }

        for (var i = 0; i < 20; i++)
        {
            Round(); // warm up: JIT, tiering, and the pool's, wait queue's and ready queue's growth
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            Round();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0L);
    }
}
