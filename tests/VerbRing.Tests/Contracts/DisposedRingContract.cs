using System.Reflection;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// A disposed ring's region is freed: every member of the ring, and of the views it handed out (registers, user
/// memory, user buffers) — taken before the Dispose or after — throws <see cref="ObjectDisposedException"/> instead
/// of touching that memory; what is not in the region (the layout, the buffers' addresses) stays readable, and a
/// second Dispose does nothing.
/// </summary>
public abstract class DisposedRingContract : KernelContract
{
    /// <summary>Every member of <see cref="IoRing"/> and its views that reads or writes the region.</summary>
    private static readonly Dictionary<string, Action<IoRing>> RegionMembers = new()
    {
        ["IoRing.TryPush"] = ring => ring.TryPush(Sqes.Nop()),
        ["IoRing.Push"] = ring => ring.Push(Sqes.Nop()),
        ["IoRing.TryPop"] = ring => ring.TryPop(out _),
        ["IoRing.SqPending"] = ring => _ = ring.SqPending,
        ["IoRing.SqSpace"] = ring => _ = ring.SqSpace,
        ["IoRing.CqUnread"] = ring => _ = ring.CqUnread,
        ["IoRing.Enter(amount, wait)"] = ring => ring.Enter(0, 0),
        ["IoRing.Enter(amount, wait, timeout)"] = ring => ring.Enter(0, 0, TimeSpan.Zero),
        ["IoRing.SubmitAndWait"] = ring => ring.SubmitAndWait(),
        ["RegisterFile.this[] get"] = ring => _ = ring.Registers[0],
        ["RegisterFile.this[] set"] = ring => ring.Registers[6] = 1,
        ["RegisterFile.ToArray"] = ring => ring.Registers.ToArray(),
        ["UserMemory.Reserve"] = ring => ring.Memory.Reserve(8),
        ["UserMemory.Put(bytes)"] = ring => ring.Memory.Put([1, 2, 3]),
        ["UserMemory.Put(text)"] = ring => ring.Memory.Put("text"),
        ["UserMemory.At"] = ring => ring.Memory.At(RingLayout.UserBase, 8),
    };

    /// <summary>Public members that touch no region memory, so they keep working after Dispose.</summary>
    private static readonly string[] OutsideTheRegion =
    [
        "IoRing.Layout", "IoRing.Registers", "IoRing.Memory", "IoRing.Dispose",
        "RegisterFile.Count", "UserMemory.Used", "UserMemory.Available", "UserMemory.Reset",
    ];

    public static TheoryData<string> Members => [.. RegionMembers.Keys];

    [Theory]
    [MemberData(nameof(Members))]
    public void Member_AfterDispose_ThrowsObjectDisposed(string member)
    {
        using var ring = NewRing();
        RegionMembers[member](ring.Ring); // works while the ring lives

        ring.Ring.Dispose();

        var refused = Should.Throw<ObjectDisposedException>(() => RegionMembers[member](ring.Ring));
        refused.ObjectName.ShouldBe(typeof(IoRing).FullName, "the refusal names the ring that was disposed");
    }

    [Fact]
    public void PublicMembers_EachTouchingTheRegion_AreInTheRefusedList()
    {
        // A member added later must be checked too: this fails until it is listed above, with a test.
        var members = new[] { typeof(IoRing), typeof(RegisterFile), typeof(UserMemory) }
            .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Select(m => $"{type.Name}.{(m.Name == "Item" ? "this[]" : m.Name)}"))
            .Distinct();
        var listed = RegionMembers.Keys.Select(k => k.Split(' ', '(')[0]).Concat(OutsideTheRegion).ToHashSet();

        members.Where(m => !listed.Contains(m)).ShouldBeEmpty();
    }

    [Fact]
    public void Views_TakenBeforeDispose_RefuseAfterIt()
    {
        using var ring = NewRing();
        var registers = ring.Ring.Registers;
        var memory = ring.Ring.Memory;
        var buffer = memory.Put("kept");
        registers[1] = 41;
        registers[1].ShouldBe(41UL);
        buffer.Span.ToArray().ShouldBe("kept"u8.ToArray());

        ring.Ring.Dispose();

        Should.Throw<ObjectDisposedException>(() => registers[1]);
        Should.Throw<ObjectDisposedException>(() => registers[1] = 42);
        Should.Throw<ObjectDisposedException>(() => memory.At(buffer.Address, buffer.Length));
        Should.Throw<ObjectDisposedException>(() => memory.Reserve(1));
        Should.Throw<ObjectDisposedException>(() => buffer.Span.Length, "a buffer reserved before the Dispose");
        (buffer.Address, buffer.Length).ShouldBe((RingLayout.UserBase, 4u), "a buffer's address is not in the region");
    }

    [Fact]
    public void MembersOutsideTheRegion_AfterDispose_StillAnswer()
    {
        using var ring = NewRing();
        var layout = ring.Ring.Layout;
        ring.Ring.Memory.Reserve(16);

        ring.Ring.Dispose();

        ring.Ring.Layout.ShouldBe(layout);
        ring.Ring.Memory.Used.ShouldBe(16u);
        ring.Ring.Memory.Available.ShouldBe(layout.UserMemorySize - 16);
        ring.Ring.Memory.Reset();
        ring.Ring.Memory.Used.ShouldBe(0u);
        default(UserBuffer).Span.IsEmpty.ShouldBeTrue("a default buffer belongs to no ring and spans nothing");
    }

    [Fact]
    public void Dispose_Twice_SecondDoesNothingAndTheRingStillRefuses()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop(data: 1));

        ring.Ring.Dispose();
        ring.Ring.Dispose();

        Should.Throw<ObjectDisposedException>(() => ring.Ring.SqPending);
        Should.Throw<ObjectDisposedException>(() => ring.Ring.TryPop(out _));
    }
}
