using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// LOOP (op 10) and ADD (op 11), VerbRing's extensions (spec/semantics.md, "Loops"): a loop ends on end of file, on
/// its bound, on an error (then LINK and HARDLINK after it), on a CANCEL; its shape and bound are enforced by the
/// kernel whatever wrote the SQEs.
/// </summary>
public abstract class LoopContract : KernelContract
{
    private const int Block = 4096;

    /// <summary>copy-all: open, open, LOOP(r2 ≠ 0) { READ → r2, WRITE r2 }, close, close — seven SQEs.</summary>
    private static Sqe[] CopyAll(UserBuffer input, UserBuffer output, UserBuffer buffer, ulong bound = Abi.MaxLoopIterations, SqeLink loopLink = SqeLink.HardLink) =>
    [
        Sqes.Open(input, OpenFlags.Read, save: Reg.R0, link: SqeLink.Link, data: 1).WithSkipSuccess(),
        Sqes.Open(output, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, save: Reg.R1, link: SqeLink.Link, data: 2).WithSkipSuccess(),
        Sqes.Loop(Reg.R2, LoopCompare.Ne, 0, bound, 2, save: Reg.R3, link: loopLink, data: 3),
        Sqes.Read(Reg.R0, buffer, Block, save: Reg.R2, link: SqeLink.Link, data: 4).WithSkipSuccess(),
        Sqes.Write(Reg.R1, buffer, Reg.R2, link: SqeLink.Link, data: 5).WithSkipSuccess(),
        Sqes.Close(Reg.R0, link: SqeLink.HardLink, data: 6).WithSkipSuccess(),
        Sqes.Close(Reg.R1, data: 7),
    ];

    private static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Block)]
    [InlineData((3 * Block) + 5)]
    public void Loop_ReadUntilEndOfFile_CopiesTheWholeFileInOneEnter(int size)
    {
        using var ring = NewRing();
        var content = Pattern(size);
        ring.Files.WriteFile("/in.bin", content);
        ring.Registers[2] = 1;
        var sqes = CopyAll(ring.Put("/in.bin"), ring.Put("/out.bin"), ring.Reserve(Block));
        foreach (var sqe in sqes)
        {
            ring.Ring.Push(sqe);
        }

        ring.Ring.Enter((uint)sqes.Length, 1).ShouldBe(new EnterResult((uint)sqes.Length, Errno.OK), "one enter");
        var cqes = ring.PopAll();
        cqes.Select(c => c.Data).ShouldBe([3UL, 7UL], "the loop's CQE and the last close's: every other step was quiet");
        var iterations = (ulong)((size + Block - 1) / Block) + 1; // each block, then the READ that returned 0
        cqes[0].ShouldSucceedWith(iterations);
        cqes[1].ShouldSucceedWith(0);
        ring.Registers[3].ShouldBe(iterations);
        ring.Registers[2].ShouldBe(0UL, "the last READ saw end of file");
        ring.Files.ReadFile("/out.bin").ShouldBe(content);
        ring.OpenDescriptors.ShouldBe(0);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Loop_ConditionStillTrueAtItsBound_EndsWithEloopAndCancelsTheRest()
    {
        using var ring = NewRing();
        ring.Registers[4] = 7;
        var cqes = ring.Submit(
            Sqes.Loop(Reg.R4, LoopCompare.Ne, 0, 3, 1, save: Reg.R5, data: 1),
            Sqes.Add(Reg.R6, 10, save: Reg.R6, link: SqeLink.Link, data: 2).WithSkipSuccess(),
            Sqes.Nop(data: 3));

        cqes.Select(c => c.Data).ShouldBe([1UL, 3UL]);
        cqes[0].ShouldFailWith(Errno.ELOOP);
        ring.Registers[5].ShouldBe(Abi.Err, "a failed LOOP saves ERR");
        ring.Registers[6].ShouldBe(30UL, "the body ran exactly its bound, three times");
        cqes[1].ShouldFailWith(Errno.ECANCELED);
    }

    [Fact]
    public void Loop_ConditionEndsExactlyAtTheBound_Succeeds()
    {
        using var ring = NewRing();
        var cqes = ring.Submit(
            Sqes.Loop(Reg.R6, LoopCompare.Lt, 30, 3, 1, save: Reg.R5, data: 1),
            Sqes.Add(Reg.R6, 10, save: Reg.R6, data: 2).WithSkipSuccess());

        cqes.ShouldHaveSingleItem().ShouldSucceedWith(3);
        ring.Registers[6].ShouldBe(30UL);
    }

    [Theory]
    [InlineData(SqeLink.Link)]
    [InlineData(SqeLink.HardLink)]
    public void Loop_BodyFails_EndsWithTheErrnoThenLinkCancelsAndHardlinkRuns(SqeLink loopLink)
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/in.bin", Pattern(Block * 2));
        ring.Registers[2] = 1;
        var sqes = CopyAll(ring.Put("/in.bin"), ring.Put("/out.bin"), ring.Reserve(Block), loopLink: loopLink);
        sqes[4].Arg2 = Abi.Err; // the WRITE's count is no longer loaded: ERR is EINVAL (count > 2^31 - 1)
        sqes[4].Flags |= SqeFlags.RegMask << SqeFlags.LoadShift(2); // specifier 7: none
        var cqes = ring.Submit(sqes);

        var byData = cqes.ToDictionary(c => c.Data);
        byData[5].ShouldFailWith(Errno.EINVAL);
        byData[3].ShouldFailWith(Errno.EINVAL);
        ring.Registers[3].ShouldBe(Abi.Err);
        cqes.Select(c => c.Data).Take(2).ShouldBe([5UL, 3UL], "the body's failure, then the loop's CQE");
        if (loopLink == SqeLink.Link)
        {
            cqes.Select(c => c.Data).ShouldBe([5UL, 3UL, 6UL, 7UL]);
            byData[6].ShouldFailWith(Errno.ECANCELED);
            byData[7].ShouldFailWith(Errno.ECANCELED);
            ring.OpenDescriptors.ShouldBe(2, "the closes never ran");
        }
        else
        {
            cqes.Select(c => c.Data).ShouldBe([5UL, 3UL, 7UL], "the quiet close succeeded, the last one posts");
            byData[7].ShouldSucceedWith(0);
            ring.OpenDescriptors.ShouldBe(0);
        }
    }

    [Fact]
    public void Loop_BodyStepWithoutSkipSuccess_IsEinvalAndItsBodyIsCancelled()
    {
        using var ring = NewRing();
        ring.Registers[1] = 1;
        var cqes = ring.Run(
            Sqes.Loop(Reg.R1, LoopCompare.Ne, 0, 10, 2, link: SqeLink.HardLink, data: 1),
            Sqes.Nop(save: Reg.R1, link: SqeLink.Link, data: 2).WithSkipSuccess(),
            Sqes.Nop(link: SqeLink.Link, data: 3),
            Sqes.Nop(data: 4));

        cqes.Select(c => c.Data).ShouldBe([2UL, 3UL, 1UL, 4UL], "the body cancelled in order, the LOOP, then the step after it (HARDLINK)");
        cqes[0].ShouldFailWith(Errno.ECANCELED);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        cqes[2].ShouldFailWith(Errno.EINVAL);
        cqes[3].ShouldSucceedWith(0);
        ring.Registers[1].ShouldBe(1UL, "the body never ran");
    }

    [Theory]
    [InlineData(0UL, 3UL, 1UL)] // compare 0
    [InlineData(2UL, 0UL, 1UL)] // bound 0
    [InlineData(2UL, Abi.MaxLoopIterations + 1, 1UL)] // bound past the maximum
    [InlineData(2UL, 3UL, 0UL)] // no body
    [InlineData(2UL, 3UL, Abi.MaxLoopBody + 1)] // a body past the maximum
    [InlineData(2UL, 3UL, 2UL)] // a body longer than the chain
    public void Loop_ShapeTheKernelCannotBound_IsEinvalWhateverWroteIt(ulong compare, ulong bound, ulong body)
    {
        using var ring = NewRing();
        var loop = Sqes.Create((uint)Op.Loop, 1, compare, 0, bound, body, save: Reg.R0, link: SqeLink.Link, data: 1);
        var cqes = ring.Submit(loop, Sqes.Nop(data: 2).WithSkipSuccess());

        var byData = cqes.ToDictionary(c => c.Data);
        byData[1].ShouldFailWith(Errno.EINVAL);
        byData[2].ShouldFailWith(Errno.ECANCELED); // never run: as the body, or after a LOOP that failed with LINK
        ring.Registers[0].ShouldBe(Abi.Err);
    }

    [Fact]
    public void Loop_BoundLoadedFromARegister_IsStillCheckedByTheKernel()
    {
        using var ring = NewRing();
        ring.Registers[4] = Abi.MaxLoopIterations + 1;
        var loop = Sqes.Create((uint)Op.Loop, 1, (ulong)LoopCompare.Ne, 0, Reg.R4, 1, link: SqeLink.Link, data: 1);
        var cqes = ring.Run(loop, Sqes.Nop(data: 2).WithSkipSuccess(), Sqes.Nop(data: 3));

        cqes.Select(c => c.Data).ShouldBe([2UL, 1UL, 3UL]);
        cqes[1].ShouldFailWith(Errno.EINVAL);
    }

    [Fact]
    public void Cancel_LoopWaitingOnAPipe_EndsItWithEcanceledAndBreaksItsChain()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Registers[2] = 1;
        var buffer = ring.Reserve(64);
        ring.Submit(
            Sqes.Loop(Reg.R2, LoopCompare.Ne, 0, 100, 2, save: Reg.R3, data: 50),
            Sqes.Read(Reg.R0.Low, buffer, 64, save: Reg.R2, link: SqeLink.Link, data: 51).WithSkipSuccess(),
            Sqes.Nop(save: Reg.R4, link: SqeLink.Link, data: 52).WithSkipSuccess(),
            Sqes.Nop(data: 53)).ShouldBeEmpty("the loop's READ waits on the empty pipe");
        ring.InFlight.ShouldBeGreaterThan(0);

        var cqes = ring.Run(Sqes.Cancel(50, data: 60));
        cqes.Select(c => c.Data).ShouldBe([60UL, 51UL, 52UL, 50UL, 53UL]);
        cqes[0].ShouldSucceedWith(1);
        cqes.Skip(1).ShouldAllBe(c => c.Error == (int)Errno.ECANCELED);
        ring.Registers[3].ShouldBe(0UL, "a cancelled LOOP writes no register");
        ring.InFlight.ShouldBe(0);
        ring.FindKernelInconsistencies().ShouldBeEmpty();
    }

    [Fact]
    public void Loop_DrainsAPipeUntilItsWriterCloses_AcrossEnters()
    {
        using var ring = NewRing();
        var (_, write) = ring.Pipe(Reg.R0);
        ring.Registers[2] = 1;
        var buffer = ring.Reserve(64);
        var output = ring.Open("/drained.txt", OpenFlags.Write | OpenFlags.Create);
        ring.Registers[1] = output;
        ring.Submit(
            Sqes.Loop(Reg.R2, LoopCompare.Ne, 0, 100, 2, save: Reg.R3, data: 1),
            Sqes.Read(Reg.R0.Low, buffer, 64, save: Reg.R2, link: SqeLink.Link, data: 2).WithSkipSuccess(),
            Sqes.Write(Reg.R1, buffer, Reg.R2, data: 3).WithSkipSuccess()).ShouldBeEmpty();
        var hello = ring.Put("hello ");
        ring.Submit(Sqes.Write(write, hello, hello.Length, data: 4)).Select(c => c.Data).ShouldBe([4UL]);
        ring.Submit(Sqes.Write(write, hello, hello.Length, data: 5)).Select(c => c.Data).ShouldBe([5UL]);
        var cqes = ring.Run(Sqes.Close(write, data: 6));

        cqes.Select(c => c.Data).ShouldBe([6UL, 1UL], "the writer's close ends the loop: its READ returns 0");
        cqes[1].ShouldSucceedWith(3);
        ring.Files.ReadFile("/drained.txt").ShouldBe("hello hello "u8.ToArray());
    }

    [Fact]
    public void Loop_TimeBudgetPassed_EndsWithEtimedoutAtTheNextCheck()
    {
        using var ring = NewRing();
        var (_, write) = ring.Pipe(Reg.R0);
        ring.Registers[2] = 1;
        var buffer = ring.Reserve(64);
        ring.Submit(
            Sqes.Loop(Reg.R2, LoopCompare.Ne, 0, 100, 1, data: 1, timeout: 1_000_000),
            Sqes.Read(Reg.R0.Low, buffer, 64, save: Reg.R2, data: 2).WithSkipSuccess()).ShouldBeEmpty();
        ring.Advance(TimeSpan.FromMilliseconds(2)).ShouldBeEmpty("no timer is armed: the budget is looked at between iterations");
        var one = ring.Put("x");
        var cqes = ring.Run(Sqes.Write(write, one, 1, data: 3));

        cqes.Select(c => c.Data).ShouldBe([3UL, 1UL]);
        cqes[1].ShouldFailWith(Errno.ETIMEDOUT);
    }

    [Theory]
    [InlineData(2UL, 3UL, 5UL, 0)]
    [InlineData(Abi.Err, 1UL, 0UL, (int)Errno.EINVAL)]
    [InlineData(1UL, Abi.Err, 0UL, (int)Errno.EINVAL)]
    [InlineData(Abi.Err - 1, 1UL, 0UL, (int)Errno.EOVERFLOW)]
    [InlineData(Abi.Err - 2, 1UL, Abi.Err - 1, 0)]
    public void Add_Operands_SumOrFailCleanly(ulong a, ulong b, ulong sum, int errno)
    {
        using var ring = NewRing();
        var cqe = ring.RunOne(Sqes.Add(a, b, save: Reg.R0));
        if (errno == 0)
        {
            cqe.ShouldSucceedWith(sum);
            ring.Registers[0].ShouldBe(sum);
        }
        else
        {
            cqe.ShouldFailWith((Errno)errno);
            ring.Registers[0].ShouldBe(Abi.Err);
        }
    }
}
