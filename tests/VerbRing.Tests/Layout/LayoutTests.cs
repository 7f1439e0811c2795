using System.Runtime.CompilerServices;
using VerbRing.Registers;

namespace VerbRing.Tests.Layout;

/// <summary>C#'s static_assert: every size and offset of the ABI, byte-exact with PatchworkOS sys/ioring.h at 19e446b.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void Sqe_Is64BytesWithPatchworkOffsets()
    {
        Unsafe.SizeOf<Sqe>().ShouldBe(64);
        var sqe = default(Sqe);
        Offset(ref sqe, ref sqe.Timeout).ShouldBe(0);
        Offset(ref sqe, ref sqe.Data).ShouldBe(8);
        Offset(ref sqe, ref sqe.Op).ShouldBe(16);
        Offset(ref sqe, ref sqe.Flags).ShouldBe(20);
        Offset(ref sqe, ref sqe.Arg0).ShouldBe(24);
        Offset(ref sqe, ref sqe.Arg1).ShouldBe(32);
        Offset(ref sqe, ref sqe.Arg2).ShouldBe(40);
        Offset(ref sqe, ref sqe.Arg3).ShouldBe(48);
        Offset(ref sqe, ref sqe.Arg4).ShouldBe(56);
    }

    [Fact]
    public void Cqe_Is32BytesWithPatchworkOffsets()
    {
        Unsafe.SizeOf<Cqe>().ShouldBe(32);
        var cqe = default(Cqe);
        Offset(ref cqe, ref cqe.Op).ShouldBe(0);
        Offset(ref cqe, ref cqe.Error).ShouldBe(4);
        Offset(ref cqe, ref cqe.Data).ShouldBe(8);
        Offset(ref cqe, ref cqe.Result).ShouldBe(16);
        Offset(ref cqe, ref cqe.Reserved).ShouldBe(24);
    }

    [Fact]
    public void Control_Is192BytesPaddedByOwner()
    {
        Unsafe.SizeOf<RingControl>().ShouldBe(192);
        var control = default(RingControl);
        Offset(ref control, ref control.SHead).ShouldBe(0);
        Offset(ref control, ref control.CTail).ShouldBe(4);
        Offset(ref control, ref control.STail).ShouldBe(64);
        Offset(ref control, ref control.CHead).ShouldBe(68);
        Offset(ref control, ref control.Regs[0]).ShouldBe(128);
        Offset(ref control, ref control.Regs[6]).ShouldBe(128 + (6 * 8));
        Offset(ref control, ref control.Reserved).ShouldBe(184);
        Unsafe.SizeOf<RegisterBlock>().ShouldBe(7 * 8);
    }

    [Fact]
    public void Flags_MatchPatchworkBits()
    {
        SqeFlags.Link.ShouldBe(0x40000u);
        SqeFlags.HardLink.ShouldBe(0x80000u);
        SqeFlags.None.ShouldBe(0x3FFFFu);
        SqeFlags.SkipSuccess.ShouldBe(0x100000u, "VerbRing's extension, bit 20");
        SqeFlags.Drain.ShouldBe(0x200000u, "VerbRing's extension, bit 21");
        SqeFlags.ReservedMask.ShouldBe(0xFFC00000u);
        for (var arg = 0; arg < 5; arg++)
        {
            SqeFlags.LoadShift(arg).ShouldBe(3 * arg);
        }

        SqeFlags.SaveShift.ShouldBe(15);
        SqeFlags.Compose(load0: 1, load1: 2, load2: 3, load3: 4, load4: 5, save: 6, link: SqeFlags.Link)
            .ShouldBe(1u | (2u << 3) | (3u << 6) | (4u << 9) | (5u << 12) | (6u << 15) | (1u << 18));
        SqeFlags.Compose().ShouldBe(SqeFlags.None);
    }

    [Theory]
    [InlineData(1u, 1u, 0u, 192L, 256L, 4096L, 4096L)]
    [InlineData(64u, 128u, 65536u, 192L, 192L + (64 * 64), 12288L, 12288L + 65536)]
    [InlineData(8u, 8u, 100u, 192L, 192L + (8 * 64), 4096L, 8192L)]
    public void Layout_PlacesQueuesAndUserMemory(uint sq, uint cq, uint user, long sqOffset, long cqOffset, long userOffset, long total)
    {
        var layout = new RingLayout(sq, cq, user);
        RingLayout.SqOffset.ShouldBe(sqOffset);
        layout.CqOffset.ShouldBe(cqOffset);
        layout.UserMemoryOffset.ShouldBe(userOffset);
        layout.TotalSize.ShouldBe(total);
        RingLayout.UserBase.ShouldNotBe(0UL, "address 0 is never valid user memory");
    }

    [Theory]
    [InlineData(0u, 8u)]
    [InlineData(3u, 8u)]
    [InlineData(8u, 12u)]
    [InlineData(65536u, 8u)]
    public void Layout_RejectsCountsThatAreNotPowersOfTwoInRange(uint sq, uint cq) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new RingLayout(sq, cq, 0));

    private static long Offset<TStruct, TField>(ref TStruct owner, ref TField field) =>
        Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref owner), ref Unsafe.As<TField, byte>(ref field));
}
