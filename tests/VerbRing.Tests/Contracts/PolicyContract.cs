using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// The ring's capability policy: a verb it may not use completes with EPERM, a mount it may only read or may not
/// see refuses with EACCES, and either failure breaks a LINK chain like any other. On the server kernel these run
/// against a client whose ring the server built from its configured options: the policy travels with them.
/// </summary>
public abstract class PolicyContract : KernelContract
{
    [Fact]
    public void Enter_DeniedVerb_CompletesWithEpermAndCancelsItsLinkSuccessors()
    {
        using var ring = NewRing(new RingOptions { Policy = RingPolicy.AllowOnly(Op.Nop, Op.Open, Op.Read, Op.Close) });
        ring.Files.WriteFile("/f", "data");
        var fd = ring.Open("/f", OpenFlags.Read | OpenFlags.Write);
        var text = ring.Put("xyz");
        ring.Registers[2] = 99;
        var cqes = ring.Run(
            Sqes.Write(fd, text, 3, save: Reg.R2, link: SqeLink.Link, data: 1),
            Sqes.Nop(save: Reg.R3, data: 2));
        cqes[0].ShouldFailWith(Errno.EPERM);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        ring.Registers[2].ShouldBe(Abi.Err, "a refused verb saves ERR like any failure");
        ring.Files.ReadFile("/f").ShouldBe("data"u8.ToArray(), "the denied WRITE touched nothing");
    }

    [Fact]
    public void Enter_DeniedVerbUnderHardLink_LetsTheChainGoOn()
    {
        using var ring = NewRing(new RingOptions { Policy = RingPolicy.AllowOnly(Op.Nop) });
        var cqes = ring.Run(Sqes.Pipe(link: SqeLink.HardLink, data: 1), Sqes.Nop(data: 2));
        cqes[0].ShouldFailWith(Errno.EPERM);
        cqes[1].ShouldSucceed();
        ring.LivePipes.ShouldBe(0);
    }

    [Fact]
    public void Enter_PolicyChecks_RunAfterTheShapeOfTheSqeAndBeforeItsRegisters()
    {
        using var ring = NewRing(new RingOptions { Policy = RingPolicy.AllowOnly(Op.Nop) });

        // An unknown op and reserved flag bits are malformed whatever the policy: EINVAL, not EPERM.
        ring.RunOne(new Sqe { Op = 500, Flags = SqeFlags.None }).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(new Sqe { Op = (uint)Op.Close, Flags = SqeFlags.None | (1u << 25) }).ShouldFailWith(Errno.EINVAL);

        // A denied verb whose load specifier is bad is refused for the verb first: its registers are never read.
        var badLoad = Sqes.Close(Reg.R0) with { Arg0 = 9 };
        ring.RunOne(badLoad).ShouldFailWith(Errno.EPERM);
    }

    [Fact]
    public void Open_ReadOnlyRoot_RefusesEveryWriteWithEacces()
    {
        using var ring = NewRing(new RingOptions { Policy = new RingPolicy { Mounts = new Dictionary<string, MountAccess> { ["/"] = MountAccess.ReadOnly } } });
        ring.Files.WriteFile("/f", "data");
        foreach (var flags in new[] { OpenFlags.Write, OpenFlags.Read | OpenFlags.Create, OpenFlags.Write | OpenFlags.Truncate, OpenFlags.Write | OpenFlags.Append })
        {
            ring.RunOne(Sqes.Open(ring.Put("/f"), flags)).ShouldFailWith(Errno.EACCES);
        }

        ring.RunOne(Sqes.Open(ring.Put("/new"), OpenFlags.Write | OpenFlags.Create)).ShouldFailWith(Errno.EACCES);
        ring.Files.ListFiles().ShouldBe(["/f"]);
        ring.Files.ReadFile("/f").ShouldBe("data"u8.ToArray());
        ring.Open("/f", OpenFlags.Read).ShouldBe(0UL, "reading is still allowed");
    }

    [Fact]
    public void Open_HiddenRoot_RefusesEvenReadsAndBreaksTheChain()
    {
        using var ring = NewRing(new RingOptions { Policy = new RingPolicy { Mounts = new Dictionary<string, MountAccess> { ["/"] = MountAccess.Hidden } } });
        ring.Files.WriteFile("/f", "data");
        var cqes = ring.Run(
            Sqes.Open(ring.Put("/f"), OpenFlags.Read, save: Reg.R0, link: SqeLink.Link, data: 1),
            Sqes.Close(Reg.R0, data: 2));
        cqes[0].ShouldFailWith(Errno.EACCES);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        ring.OpenDescriptors.ShouldBe(0);
    }
}
