using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>The C# builder: same SQEs as the text, reusable programs, results by step and register, diagnostics.</summary>
public sealed class BuilderTests
{
    private static LinkedProgram Hello()
    {
        var p = new ProgramBuilder();
        var greeting = p.Data("greeting", "Hello from the ring!\n");
        var buf = p.Buffer("buf", 64);
        p.Open("/hello.txt", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create).To(Reg.R0).Link();
        p.Write(Reg.R0, greeting, greeting.Length).To(Reg.R1).Link();
        p.Seek(Reg.R0, 0, Whence.Set).Link();
        p.Read(Reg.R0, buf, Reg.R1).To(Reg.R2).Link();
        p.Close(Reg.R0);
        return p.Build();
    }

    [Fact]
    public void Build_DesignCardChain_EncodesLikeTheText()
    {
        var text = LinkedProgram.FromText(File.ReadAllText(Repository.PathOf("examples/hello.vr")), "hello.vr", new RingCapacity());
        var built = Hello();
        built.Sqes.SequenceEqual(text.Sqes).ShouldBeTrue();
        built.Image.SequenceEqual(text.Image).ShouldBeTrue();
    }

    [Fact]
    public void Run_ReusedProgram_RunsManyTimesAndReadsBackByStepAndRegister()
    {
        var factory = RingFactory.CreateDefault(time: new FakeTimeProvider());
        using var ring = factory.Create();
        var loaded = Hello().LoadInto(ring);
        var first = loaded.Sqes.ToArray();

        for (var run = 0; run < 3; run++)
        {
            var result = loaded.Run();
            result.IsComplete.ShouldBeTrue();
            result.Step(0).Succeeded.ShouldBeTrue();
            result.Step(1).Result.ShouldBe(21UL);
            result.Step(2).Result.ShouldBe(0UL);
            result.Step(3).Result.ShouldBe(21UL);
            result.Step(4).Error.ShouldBe(Errno.OK);
            result.Register("r1").ShouldBe(21UL);
            result.Register(Reg.R2).ShouldBe(21UL);
            result.Completions.Select(c => c.Step).ShouldBe([0, 1, 2, 3, 4]);
            ring.Memory.At(loaded.AddressOf("buf"), 21).ToArray().ShouldBe("Hello from the ring!\n"u8.ToArray());
        }

        loaded.Sqes.ToArray().ShouldBe(first, "no re-encoding per run");
    }

    [Fact]
    public void LoadInto_SecondProgramInTheSameRing_IsRelocated()
    {
        var factory = RingFactory.CreateDefault(time: new FakeTimeProvider());
        using var ring = factory.Create();
        ring.Memory.Reserve(1000); // something else owns the start of user memory
        var loaded = Hello().LoadInto(ring);
        loaded.ImageAddress.ShouldBeGreaterThan(RingLayout.UserBase + 999);
        loaded.Run().Step(3).Result.ShouldBe(21UL);
    }

    [Fact]
    public void Build_UnusedSpecifiersAreNone()
    {
        var p = new ProgramBuilder();
        p.Nop();
        p.Close(3);
        var program = p.Build();
        program.Sqes[0].Flags.ShouldBe(SqeFlags.None);
        program.Sqes[1].Flags.ShouldBe(SqeFlags.None);
    }

    [Fact]
    public void Build_VerifierError_PointsAtTheCallersLine()
    {
        var p = new ProgramBuilder();
        p.Close(Reg.R3); var line = GetLine();
        var error = Should.Throw<ProgramException>(() => p.Build()).Diagnostics.ShouldHaveSingleItem();
        error.Where.File.ShouldBe("BuilderTests.cs");
        error.Where.Line.ShouldBe(line);
        error.Message.ShouldContain("r3 is loaded here");
    }

    [Fact]
    public void Build_TimeoutsTagsHardlinksAndCustomOps()
    {
        var p = new ProgramBuilder();
        p.Nop().Timeout(TimeSpan.FromMilliseconds(10)).HardLink().Tag(77);
        p.Nop().Timeout(Timeout.InfiniteTimeSpan);
        p.Op(AddVerb.Code, [40, 2]).To(Reg.R6);
        var program = p.Build();
        program.Sqes[0].Timeout.ShouldBe(10_000_000UL);
        program.Sqes[0].Data.ShouldBe(77UL);
        (program.Sqes[0].Flags & SqeFlags.HardLink).ShouldNotBe(0u);
        program.Sqes[1].Timeout.ShouldBe(ulong.MaxValue);
        program.Sqes[2].Op.ShouldBe(AddVerb.Code);

        using var ring = RingFactory.CreateDefault(extraVerbs: [new AddVerb()]).Create();
        program.LoadInto(ring).Run().Register(Reg.R6).ShouldBe(42UL);
    }

    [Fact]
    public void Builder_PathFromRegister_IsRefusedAtOnce()
    {
        var p = new ProgramBuilder();
        Should.Throw<ArgumentException>(() => p.Open(Reg.R0));
    }

    private static int GetLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
