using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// FSYNC (op 9): fd → 0, once what was written through it is durable. A host file is flushed to disk; a memory file
/// and a directory have nothing to flush. Checks: EBADF (not open), EINVAL (a stream, a pipe end: nothing to make durable).
/// </summary>
internal sealed class FsyncVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Fsync;

    public string Name => "FSYNC";

    public VerbResult Execute(in VerbCall call)
    {
        if (!call.Ring.Files.TryGet(call.Arg0, out var file))
        {
            return VerbResult.Fail(Errno.EBADF);
        }

        return file!.Node switch
        {
            IStreamNode => VerbResult.Fail(Errno.EINVAL),
            IFlushable durable => VerbResult.From(durable.Flush(), 0),
            _ => VerbResult.Ok(0),
        };
    }
}
