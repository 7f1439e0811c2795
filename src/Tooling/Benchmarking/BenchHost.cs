using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// Makes the rings a benchmark runs on, the same way for each kernel: one factory (its memory namespace is what
/// the direct calls use in-process) and, for the server kernel, one <c>verbring serve</c> process started on first
/// use. Rings are large enough for a 256-SQE batch and a chain's 4 KiB buffers.
/// </summary>
internal sealed class BenchHost : IDisposable
{
    /// <summary>SQ and CQ entries of every benchmark ring.</summary>
    public const uint Entries = 256;

    private readonly Func<ServerProcess> _startServer;
    private ServerProcess? _server;

    /// <summary>A host that starts its server (when one is needed) with <paramref name="startServer"/>.</summary>
    public BenchHost(Func<ServerProcess> startServer)
    {
        _startServer = startServer;
        Factory = RingFactory.CreateDefault(options => options.Ring = RingOptions(KernelPlacement.InProcess));
    }

    /// <summary>The factory of the in-process and kernel-thread rings.</summary>
    public RingFactory Factory { get; }

    /// <summary>A ring served by <paramref name="kernel"/>.</summary>
    public IoRing Open(KernelPlacement kernel) => kernel switch
    {
        KernelPlacement.InProcess => Factory.Create(RingOptions(KernelPlacement.InProcess)),
        KernelPlacement.KernelThread => Factory.Create(RingOptions(KernelPlacement.KernelThread)),
        KernelPlacement.Server => OpenServer(EnterTransport.Doorbell),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
    };

    /// <summary>A ring on the server kernel whose enters are requests on the plain socket: the handoff's baseline.</summary>
    public IoRing OpenSocket() => OpenServer(EnterTransport.Socket);

    /// <summary>
    /// The namespace that the direct calls of <paramref name="kernel"/>'s comparison use: the ring's own objects
    /// in this process; for the server (whose namespace lives in the other process) a memory namespace here.
    /// </summary>
    public INamespace DirectNamespace(KernelPlacement kernel) =>
        kernel == KernelPlacement.Server ? new MemoryNamespace(MemoryNamespace.DefaultMaxFileSize) : Factory.Namespace;

    /// <summary>Stops the server process, if one was started.</summary>
    public void Dispose() => _server?.Dispose();

    private IoRing OpenServer(EnterTransport transport) =>
        RingClient.Connect((_server ??= _startServer()).SocketPath, Entries, Entries, 64 * 1024, transport);

    private static RingOptions RingOptions(KernelPlacement placement) => new()
    {
        Placement = placement,
        SqEntries = Entries,
        CqEntries = Entries,
        UserMemorySize = 64 * 1024,
    };
}
