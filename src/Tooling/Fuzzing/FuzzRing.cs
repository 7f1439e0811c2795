using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Time;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// One round's ring on the kernel the round's seed chose: in process, on a kernel thread, or behind a
/// <see cref="RingServer"/> in this process (enter as a request on a Unix socket). Owns the ring (and the server),
/// exposes the kernel for its self-checks, and tears everything down, saying what teardown left behind.
/// </summary>
internal sealed class FuzzRing : IDisposable
{
    private static readonly TimeSpan ServerTeardownLimit = TimeSpan.FromSeconds(30);

    private readonly RingServer? _server;
    private bool _tornDown;

    private FuzzRing(IoRing ring, RingKernel kernel, RingServer? server)
    {
        Ring = ring;
        Kernel = kernel;
        _server = server;
    }

    /// <summary>User space's side.</summary>
    public IoRing Ring { get; }

    /// <summary>The kernel serving it (in-process, the kernel thread's, or the server session's).</summary>
    public RingKernel Kernel { get; }

    /// <summary>Creates a ring of <paramref name="options"/>' shape on <paramref name="kernel"/>.</summary>
    public static FuzzRing Create(KernelPlacement kernel, RingFactory factory, RingOptions options, string socketFolder)
    {
        if (kernel != KernelPlacement.Server)
        {
            var (ring, ringKernel) = factory.CreateWithKernel(options with { Placement = kernel });
            return new FuzzRing(ring, ringKernel, server: null);
        }

        var socket = Path.Combine(socketFolder, $"{Guid.NewGuid():N}"[..12] + ".sock"); // short: a socket path has 108 bytes
        var server = new RingServer(factory, socket, new RingServerOptions { Ring = options });
        try
        {
            var client = RingClient.Connect(socket, options.SqEntries, options.CqEntries, options.UserMemorySize);
            return new FuzzRing(client, server.Kernels.Single(), server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Disposes the ring (the server notices its client went away and tears the session down), then checks that
    /// no descriptor, pipe or timer outlived it. Returns what is wrong, or null.
    /// </summary>
    public string? TearDown(ManualClock clock)
    {
        _tornDown = true;
        Ring.Dispose();
        string? problem = null;
        if (_server is not null && !_server.WaitForClients(0, ServerTeardownLimit))
        {
            problem = "the server did not notice its client went away";
        }

        problem ??= Kernel.OpenDescriptors != 0 ? $"{Kernel.OpenDescriptors} descriptors still open after teardown"
            : Kernel.LivePipes != 0 ? $"{Kernel.LivePipes} pipes still alive after teardown"
            : clock.ArmedTimers != 0 ? $"{clock.ArmedTimers} timers still armed after teardown"
            : null;
        _server?.Dispose();
        return problem;
    }

    /// <summary>Releases everything without checking (after a failure).</summary>
    public void Dispose()
    {
        if (!_tornDown)
        {
            _tornDown = true;
            Ring.Dispose();
            _server?.WaitForClients(0, ServerTeardownLimit);
            _server?.Dispose();
        }
    }
}
