using VerbRing.Kernel.Pipes;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// PIPE (op 8): → a new pipe; the result holds the read fd in the low 32 bits and the write fd in the high 32 bits.
/// Load either half with a load modifier (<c>r0.lo</c>, <c>r0.hi</c>). EMFILE unless two descriptors are free.
/// </summary>
internal sealed class PipeVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Pipe;

    public string Name => "PIPE";

    public VerbResult Execute(in VerbCall call)
    {
        var ring = call.Ring;
        if (ring.Files.FreeCount < 2)
        {
            return VerbResult.Fail(Errno.EMFILE);
        }

        var pipe = new Pipe(ring, ring.PipeCapacity, call.Waker);
        ring.Files.TryOpen(pipe.ReadEnd, OpenFlags.Read, out var readFd);
        ring.Files.TryOpen(pipe.WriteEnd, OpenFlags.Write, out var writeFd);
        return VerbResult.Ok((uint)readFd | ((ulong)(uint)writeFd << 32));
    }
}
