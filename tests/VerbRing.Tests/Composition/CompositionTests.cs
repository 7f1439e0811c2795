using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Composition;

/// <summary>Composing the kernel: AddVerbRing, a custom verb through DI, the static factory, bad compositions.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void AddVerbRing_ComposesAFactoryThatRunsTheBuiltInVerbs()
    {
        using var provider = new ServiceCollection()
            .AddVerbRing(o => o.Ring = new RingOptions { SqEntries = 8, CqEntries = 8 })
            .BuildServiceProvider();
        var factory = provider.GetRequiredService<IRingFactory>();
        using var ring = factory.Create();

        ring.Layout.SqEntries.ShouldBe(8u);
        factory.Verbs.Handlers.Select(h => h.Name).ShouldBe(["NOP", "READ", "WRITE", "POLL", "OPEN", "CLOSE", "SEEK", "CANCEL", "PIPE", "FSYNC", "LOOP", "ADD"]);
        ring.Push(Sqes.Open(ring.Memory.Put("/made-by-di"), OpenFlags.Write | OpenFlags.Create));
        ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        ring.TryPop(out var cqe).ShouldBeTrue();
        cqe.ShouldSucceedWith(0);
        ((MemoryNamespace)factory.Namespace).ReadFile("/made-by-di").ShouldNotBeNull();
    }

    [Fact]
    public void AddVerb_CustomOpCode_RunsThroughTheRingAndTakesRegisters()
    {
        using var provider = new ServiceCollection().AddVerbRing().AddVerb<AddVerb>().BuildServiceProvider();
        using var ring = provider.GetRequiredService<IRingFactory>().Create();
        ring.Registers[3] = 40;
        ring.Push(Sqes.Create(AddVerb.Code, Reg.R3, 2, save: Reg.R4, data: 9));
        ring.Enter(1, 1).IsSuccess.ShouldBeTrue();
        ring.TryPop(out var cqe).ShouldBeTrue();
        cqe.ShouldSucceedWith(42);
        cqe.Op.ShouldBe(AddVerb.Code);
        ring.Registers[4].ShouldBe(42UL);
    }

    [Fact]
    public void UnknownOp_WithoutItsVerbRegistered_IsEinval()
    {
        using var provider = new ServiceCollection().AddVerbRing().BuildServiceProvider();
        using var ring = provider.GetRequiredService<IRingFactory>().Create();
        ring.Push(Sqes.Create(AddVerb.Code, 1, 2));
        ring.Enter(1, 1).IsSuccess.ShouldBeTrue();
        ring.TryPop(out var cqe).ShouldBeTrue();
        cqe.ShouldFailWith(Errno.EINVAL);
    }

    [Fact]
    public void AddVerbRing_UsesARegisteredNamespaceAndClock()
    {
        var files = new MemoryNamespace();
        files.WriteFile("/seeded", "abc");
        var clock = new FakeTimeProvider();
        using var provider = new ServiceCollection()
            .AddSingleton<INamespace>(files)
            .AddSingleton<TimeProvider>(clock)
            .AddVerbRing()
            .BuildServiceProvider();
        provider.GetRequiredService<IRingFactory>().Namespace.ShouldBeSameAs(files);
        provider.GetRequiredService<TimeProvider>().ShouldBeSameAs(clock);
    }

    [Fact]
    public void VerbTable_TwoVerbsForOneOp_IsACompositionError()
    {
        using var provider = new ServiceCollection().AddVerbRing().AddVerb<ClashingNop>().BuildServiceProvider();
        Should.Throw<ArgumentException>(() => provider.GetRequiredService<IRingFactory>()).Message.ShouldContain("Op 0");
    }

    [Fact]
    public void StaticFactory_ServesUsersWithoutDi()
    {
        var factory = RingFactory.CreateDefault(o => o.Ring = new RingOptions { SqEntries = 4, CqEntries = 4 }, extraVerbs: [new AddVerb()]);
        using var ring = factory.Create();
        ring.Push(Sqes.Create(AddVerb.Code, 1, 1));
        ring.Enter(1, 1).IsSuccess.ShouldBeTrue();
        ring.TryPop(out var cqe).ShouldBeTrue();
        cqe.ShouldSucceedWith(2);
        ring.Layout.CqEntries.ShouldBe(4u);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-4, 10)]
    [InlineData(4096, -5)]
    public void Create_InvalidLimits_AreRefusedAtCreation(int pipeCapacity, int enterTimeoutSeconds)
    {
        var factory = RingFactory.CreateDefault();
        Should.Throw<ArgumentOutOfRangeException>(() =>
            factory.Create(new RingOptions { PipeCapacity = pipeCapacity, EnterTimeout = TimeSpan.FromSeconds(enterTimeoutSeconds) }));
    }

    [Fact]
    public void Push_FullSq_TryPushIsFalseAndPushThrows()
    {
        using var ring = RingFactory.CreateDefault().Create(new RingOptions { SqEntries = 2, CqEntries = 2 });
        ring.TryPush(Sqes.Nop()).ShouldBeTrue();
        ring.TryPush(Sqes.Nop()).ShouldBeTrue();
        ring.TryPush(Sqes.Nop()).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => ring.Push(Sqes.Nop()));
    }

    [Fact]
    public void Sqes_UnusedSpecifiersAreNone_NeverTheFlagsZeroTrap()
    {
        Sqes.Nop().Flags.ShouldBe(VerbRing.Registers.SqeFlags.None);
        Sqes.Read(3, 0x1000_0000UL, 4).Flags.ShouldBe(VerbRing.Registers.SqeFlags.None);
        var linked = Sqes.Read(Reg.R1, 0x1000_0000UL, Reg.R2, save: Reg.R0, link: SqeLink.HardLink);
        VerbRing.Registers.SqeFlags.LoadOf(linked.Flags, 0).ShouldBe(1);
        VerbRing.Registers.SqeFlags.LoadOf(linked.Flags, 1).ShouldBe(7);
        VerbRing.Registers.SqeFlags.LoadOf(linked.Flags, 2).ShouldBe(2);
        VerbRing.Registers.SqeFlags.LoadOf(linked.Flags, 3).ShouldBe(7);
        VerbRing.Registers.SqeFlags.SaveOf(linked.Flags).ShouldBe(0);
        (linked.Flags & VerbRing.Registers.SqeFlags.HardLink).ShouldNotBe(0u);
        linked.Arg3.ShouldBe(Abi.OffCur);
    }

    private sealed class ClashingNop : IVerbHandler
    {
        public uint Op => 0;

        public string Name => "OTHERNOP";

        public VerbResult Execute(in VerbCall call) => VerbResult.Ok(1);
    }
}
