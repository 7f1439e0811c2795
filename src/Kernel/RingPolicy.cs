using System.Collections.Frozen;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// What one ring may do, chosen by whoever creates the ring and never by the program it runs: which verbs it may
/// use (others complete with EPERM), how it may reach each mount (read-only or hidden: EACCES) and how many bytes it
/// may add to host files (ENOSPC past them). The ring's
/// limits — descriptors, waiting operations, user memory — are the other half of its capabilities and live on
/// <see cref="RingOptions"/> beside this. The checks and their order are in spec/semantics.md ("Capabilities").
/// </summary>
public sealed record RingPolicy
{
    /// <summary>Every verb, every mount as the kernel's mount table has it.</summary>
    public static RingPolicy Unrestricted { get; } = new();

    /// <summary>The op codes this ring may use; null means every verb the kernel serves.</summary>
    public IReadOnlySet<uint>? AllowedVerbs { get; init; }

    /// <summary>
    /// Access to the kernel's mounts by mount path ("/", "/data"): each can only be made more restrictive than the
    /// mount table has it. Naming a path that is not a mount is a setup error when the ring is created.
    /// </summary>
    public IReadOnlyDictionary<string, MountAccess> Mounts { get; init; } = FrozenDictionary<string, MountAccess>.Empty;

    /// <summary>
    /// The bytes this ring may add to host files, or null for no limit beyond each namespace's file size. Rings whose
    /// policies name the same budget share it (a server gives all its clients one): a WRITE past it writes what is
    /// left and completes with ENOSPC and that count.
    /// </summary>
    public HostBytesBudget? HostBytes { get; init; }

    /// <summary>A policy that allows exactly <paramref name="ops"/>.</summary>
    public static RingPolicy AllowOnly(params IEnumerable<Op> ops) => new() { AllowedVerbs = ops.Select(o => (uint)o).ToFrozenSet() };

    /// <summary>Whether this ring may use the verb with op code <paramref name="op"/>.</summary>
    public bool Permits(uint op) => AllowedVerbs is null || AllowedVerbs.Contains(op);

    /// <summary>One flag per op code of <paramref name="verbs"/>, true where this policy permits it (for dispatch).</summary>
    internal bool[] PermittedOps(VerbTable verbs)
    {
        var permitted = new bool[verbs.Handlers.Select(h => (int)h.Op + 1).DefaultIfEmpty(0).Max()];
        foreach (var handler in verbs.Handlers)
        {
            permitted[handler.Op] = Permits(handler.Op);
        }

        return permitted;
    }

    /// <summary>The namespace a ring with this policy sees: <paramref name="fileSystem"/> itself, or a restricted view of it.</summary>
    internal INamespace View(INamespace fileSystem) =>
        Mounts.Count == 0 ? fileSystem : MountNamespace.Over(fileSystem).Restrict(Mounts);
}
