using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Transports;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// A concurrent scribbler: one thread rewrites the SQ, the control area and user memory with random bytes while
/// another keeps entering the ring. The kernel must never throw, never hang, and never write outside the region —
/// which sits in a mapped file between two canary zones, checked afterwards.
/// </summary>
public sealed class ScribblerTests : IDisposable
{
    private const int Canary = 4096;
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-scribble-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(KernelPlacement.InProcess)]
    [InlineData(KernelPlacement.KernelThread)]
    public unsafe void Kernel_WhileUserSpaceScribblesOverTheRing_NeverThrowsHangsOrWritesOutside(KernelPlacement placement)
    {
        var layout = new RingLayout(16, 16, 8192);
        var path = Path.Combine(_folder, "ring.bin");
        var canary = new byte[Canary];
        new Random(7).NextBytes(canary);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite))
        {
            file.Write(canary);
            file.SetLength(Canary + layout.TotalSize);
            file.Seek(0, SeekOrigin.End);
            file.Write(canary);
        }

        var files = new MemoryNamespace();
        files.WriteFile("/f", "some file");
        var factory = RingFactory.CreateDefault(fileSystem: files);
        var options = new RingOptions { SqEntries = 16, CqEntries = 16, UserMemorySize = 8192, EnterTimeout = TimeSpan.FromMilliseconds(50), Placement = placement };
        var region = MappedRingRegion.Open(path, layout, offset: Canary);
        var kernel = factory.Attach(region, options);
        IRingPort port = placement == KernelPlacement.KernelThread ? new KernelThreadPort(kernel) : kernel;
        var ring = new IoRing(region, port);

        using var stop = new CancellationTokenSource();
        var scribbler = new Thread(() =>
        {
            var random = new Random(42);
            var control = new Span<byte>(region.Pointer, (int)layout.CqOffset); // control area and SQ
            var user = region.UserMemory;
            while (!stop.IsCancellationRequested)
            {
                random.NextBytes(control);
                random.NextBytes(user[..random.Next(user.Length)]);
            }
        })
        { IsBackground = true };
        scribbler.Start();

        var random = new Random(1);
        var enters = 0;
        for (; enters < 3000; enters++)
        {
            ring.TryPush(Sqes.Create((uint)random.Next(0, 10), random.Next(0, 8), RingLayout.UserBase + (ulong)random.Next(0, 9000), (ulong)random.Next(0, 64), Abi.OffCur));
            var result = ring.Enter((uint)random.Next(0, 17), (uint)random.Next(0, 2));
            result.Error.ShouldBeOneOf(Errno.OK, Errno.EINVAL, Errno.EBUSY, Errno.EAGAIN, Errno.ETIMEDOUT);
            // User space's own cursors are garbage too: pop a bounded number, as a careful client would.
            for (var pops = 0; pops < 64 && ring.TryPop(out _); pops++)
            {
            }
        }

        stop.Cancel();
        scribbler.Join();
        ring.Dispose(); // tears the kernel down, then unmaps
        kernel.OpenDescriptors.ShouldBe(0);

        var bytes = File.ReadAllBytes(path);
        bytes.AsSpan(0, Canary).SequenceEqual(canary).ShouldBeTrue("nothing was written before the region");
        bytes.AsSpan(Canary + (int)layout.TotalSize).SequenceEqual(canary).ShouldBeTrue("nothing was written after the region");
        enters.ShouldBe(3000);
    }
}
