using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Files;

/// <summary>
/// One open descriptor: the node it refers to, the flags it was opened with, and its own position for OFF_CUR.
/// Instances are pooled by the <see cref="FileTable"/> and reused after CLOSE, so OPEN allocates nothing once warm.
/// </summary>
internal sealed class OpenFile
{
    public INode Node { get; private set; } = null!;

    public OpenFlags Flags { get; private set; }

    public long Position { get; set; }

    public void Reset(INode node, OpenFlags flags)
    {
        Node = node;
        Flags = flags;
        Position = 0;
    }

    public void Clear()
    {
        Node = null!;
        Flags = OpenFlags.None;
        Position = 0;
    }
}
