using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// One ring under test with its namespace and manual clock: push SQEs, enter, collect the CQEs. Disposing tears
/// the ring down and checks that no descriptor outlived it.
/// </summary>
public sealed class RingHarness : IDisposable
{
    private readonly RingKernel _kernel;
    private readonly RingServer? _server;

    internal RingHarness(IoRing ring, RingKernel kernel, MemoryNamespace files, ManualClock clock, RingServer? server = null)
    {
        _server = server;
        Ring = ring;
        _kernel = kernel;
        Files = files;
        Clock = clock;
    }

    public IoRing Ring { get; }

    public MemoryNamespace Files { get; }

    public ManualClock Clock { get; }

    public RegisterFile Registers => Ring.Registers;

    /// <summary>Whether the kernel runs SQEs on its fast path (on by default; see RingKernel.FastPath).</summary>
    public bool FastPath
    {
        get => _kernel.FastPath;
        set => _kernel.FastPath = value;
    }

    internal FastPathCounts FastPathCounts => _kernel.FastPathCounts;

    internal LookupCounts LookupCounts => _kernel.LookupCounts;

    public int OpenDescriptors => _kernel.OpenDescriptors;

    public int InFlight => _kernel.InFlight;

    public int LivePipes => _kernel.LivePipes;

    public string DescribeInFlight() => _kernel.DescribeInFlight();

    public List<string> FindKernelInconsistencies() => _kernel.FindInconsistencies();

    /// <summary>Pushes <paramref name="sqes"/> and enters for them without waiting; returns the CQEs already there.</summary>
    public List<Cqe> Submit(params Sqe[] sqes)
    {
        foreach (var sqe in sqes)
        {
            Ring.Push(sqe);
        }

        Ring.Enter((uint)sqes.Length, 0).ShouldBe(new EnterResult((uint)sqes.Length, Errno.OK));
        return PopAll();
    }

    /// <summary>Moves the manual clock and returns the CQEs that arrived.</summary>
    public List<Cqe> Advance(TimeSpan by)
    {
        Clock.Advance(by);
        return PopAll();
    }

    /// <summary>Creates a pipe; its result is saved in <paramref name="register"/>.</summary>
    public (ulong Read, ulong Write) Pipe(Reg register)
    {
        var cqe = RunOne(Sqes.Pipe(save: register));
        cqe.Error.ShouldBe(0, "pipe");
        return (cqe.Result & 0xFFFF_FFFF, cqe.Result >> 32);
    }

    /// <summary>A buffer in user memory holding <paramref name="text"/>.</summary>
    public UserBuffer Put(string text) => Ring.Memory.Put(text);

    /// <summary>A zeroed buffer in user memory.</summary>
    public UserBuffer Reserve(uint size) => Ring.Memory.Reserve(size);

    /// <summary>Pushes <paramref name="sqes"/>, enters for all of them waiting for as many CQEs, and pops every CQE.</summary>
    public List<Cqe> Run(params Sqe[] sqes)
    {
        foreach (var sqe in sqes)
        {
            Ring.Push(sqe);
        }

        var result = Ring.Enter((uint)sqes.Length, (uint)sqes.Length);
        result.ShouldBe(new EnterResult((uint)sqes.Length, Errno.OK));
        return PopAll();
    }

    /// <summary>Runs one SQE and returns its CQE.</summary>
    public Cqe RunOne(Sqe sqe) => Run(sqe).ShouldHaveSingleItem();

    /// <summary>Every unread CQE, oldest first.</summary>
    public List<Cqe> PopAll()
    {
        var cqes = new List<Cqe>();
        while (Ring.TryPop(out var cqe))
        {
            cqes.Add(cqe);
        }

        return cqes;
    }

    /// <summary>Opens <paramref name="path"/> with <paramref name="flags"/> and returns the descriptor (asserting success).</summary>
    public ulong Open(string path, OpenFlags flags)
    {
        var cqe = RunOne(Sqes.Open(Put(path), flags));
        cqe.Error.ShouldBe(0, $"open {path}");
        return cqe.Result;
    }

    public string ReadText(UserBuffer buffer, ulong count) => Encoding.UTF8.GetString(Ring.Memory.At(buffer.Address, (uint)count));

    public void Dispose()
    {
        Ring.Dispose();
        if (_server is not null)
        {
            _server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue("the server notices the client went away");
        }

        _kernel.OpenDescriptors.ShouldBe(0, "teardown closes every descriptor");
        _kernel.LivePipes.ShouldBe(0, "no pipe outlives its ring");
        Clock.ArmedTimers.ShouldBe(0, "no timer outlives its ring");
        _server?.Dispose();
    }
}
