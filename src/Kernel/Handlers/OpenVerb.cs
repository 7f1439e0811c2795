using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// OPEN (op 4): dirfd or FD_NONE, path address, path length, open flags → the lowest free descriptor.
/// Checks in order: EINVAL (flags), ENAMETOOLONG / EFAULT / ENOENT (the path bytes), EMFILE (table full, before
/// anything is created), EBADF / ENOTDIR (dirfd), then the namespace's own answer (ENOENT, EEXIST, EISDIR…).
/// </summary>
internal sealed class OpenVerb : IVerbHandler
{
    private const OpenFlags Known = OpenFlags.Read | OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate
        | OpenFlags.Append | OpenFlags.Exclusive;

    public uint Op => (uint)Verbs.Op.Open;

    public string Name => "OPEN";

    public VerbResult Execute(in VerbCall call)
    {
        var flags = (OpenFlags)call.Arg3;
        if (!AreValid(flags))
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        if (call.Arg2 > Abi.MaxPath)
        {
            return VerbResult.Fail(Errno.ENAMETOOLONG);
        }

        var error = call.TryGetUserMemory(call.Arg1, call.Arg2, out var path);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        var files = call.Ring.Files;
        if (!files.HasFree)
        {
            return VerbResult.Fail(Errno.EMFILE);
        }

        var start = call.Ring.Namespace.Root;
        if (call.Arg0 != Abi.FdNone)
        {
            if (!files.TryGet(call.Arg0, out var directory))
            {
                return VerbResult.Fail(Errno.EBADF);
            }

            if (!directory!.Node.IsDirectory)
            {
                return VerbResult.Fail(Errno.ENOTDIR);
            }

            start = directory.Node;
        }

        error = call.Ring.Namespace.Open(start, path, flags, out var node);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        if (call.Ring.HostBytes is { } budget && node is IMetered metered)
        {
            metered.ChargeTo(budget); // the ring's policy caps what its writes may add to host files
        }

        error = files.TryOpen(node, flags, out var fd);
        return VerbResult.From(error, (ulong)fd);
    }

    private static bool AreValid(OpenFlags flags) =>
        (flags & ~Known) == 0
        && (flags & (OpenFlags.Read | OpenFlags.Write)) != 0
        && ((flags & OpenFlags.Truncate) == 0 || (flags & OpenFlags.Write) != 0)
        && ((flags & OpenFlags.Exclusive) == 0 || (flags & OpenFlags.Create) != 0);
}
