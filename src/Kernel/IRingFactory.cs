using VerbRing.Kernel.Handlers;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Transports;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>Creates rings served by one kernel: its verbs, its namespace, its clock.</summary>
public interface IRingFactory
{
    /// <summary>The namespace every ring of this factory resolves paths in.</summary>
    INamespace Namespace { get; }

    /// <summary>The verbs this kernel serves.</summary>
    VerbTable Verbs { get; }

    /// <summary>
    /// Creates a ring; <paramref name="options"/> null means the configured default. An observer sees every
    /// operation the kernel finishes (for traces).
    /// </summary>
    IoRing Create(RingOptions? options = null, IRingObserver? observer = null);
}

/// <summary>
/// The in-process kernel's ring factory. Registered by <c>services.AddVerbRing()</c>; users without DI call
/// <see cref="CreateDefault"/>.
/// </summary>
public sealed class RingFactory : IRingFactory
{
    private readonly RingOptions _defaults;
    private readonly TimeProvider _time;

    /// <summary>Composes a factory from its parts.</summary>
    public RingFactory(VerbRingOptions options, VerbTable verbs, INamespace fileSystem, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _defaults = options.Ring;
        Verbs = verbs ?? throw new ArgumentNullException(nameof(verbs));
        Namespace = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <inheritdoc />
    public INamespace Namespace { get; }

    /// <inheritdoc />
    public VerbTable Verbs { get; }

    /// <summary>The kernel's clock (what its rings' timeouts and traces run on).</summary>
    internal TimeProvider Time => _time;

    /// <summary>
    /// A factory without DI: the built-in verbs plus <paramref name="extraVerbs"/>, an in-memory namespace unless
    /// one is given, the system clock unless one is given.
    /// </summary>
    public static RingFactory CreateDefault(
        Action<VerbRingOptions>? configure = null, INamespace? fileSystem = null, TimeProvider? time = null,
        IEnumerable<IVerbHandler>? extraVerbs = null)
    {
        var options = new VerbRingOptions();
        configure?.Invoke(options);
        var verbs = new VerbTable(BuiltInVerbs.Create().Concat(extraVerbs ?? []));
        return new RingFactory(options, verbs, fileSystem ?? new MemoryNamespace(options.MaxFileSize), time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public IoRing Create(RingOptions? options = null, IRingObserver? observer = null) =>
        CreateWithKernel(options ?? _defaults, observer).Ring;

    /// <summary>
    /// A kernel for a ring whose region someone else owns (a file shared with another process or language). The
    /// caller enters through the returned port and disposes it before the region.
    /// </summary>
    internal RingKernel Attach(RingRegion region, RingOptions options, IRingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(options);
        return new RingKernel(region, options, Verbs, Namespace, _time, observer);
    }

    /// <summary>Creates a ring and also hands back its kernel (for tests and tools that inspect it).</summary>
    internal (IoRing Ring, RingKernel Kernel) CreateWithKernel(RingOptions options, IRingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Placement == KernelPlacement.Server)
        {
            throw new ArgumentException("A server's ring is made by its RingServer; connect to it with RingClient.Connect.", nameof(options));
        }

        var layout = new RingLayout(options.SqEntries, options.CqEntries, options.UserMemorySize);
        var region = NativeRingRegion.Allocate(layout);
        try
        {
            var kernel = new RingKernel(region, options, Verbs, Namespace, _time, observer);
            IRingPort port = options.Placement == KernelPlacement.KernelThread ? new KernelThreadPort(kernel) : kernel;
            if (observer is Tracing.IEnterObserver enters)
            {
                enters.UseClock(_time); // a trace recorder: the kernel's clock, and the enters too
                port = new Tracing.ObservedPort(port, enters);
            }

            return (new IoRing(region, port), kernel);
        }
        catch
        {
            region.Dispose(); // a partial construction frees what it took
            throw;
        }
    }
}
