using VerbRing.Kernel.Files;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>Everything a verb may reach on the ring it runs on: user memory, the descriptor table, the namespace.</summary>
internal sealed class RingContext
{
    public RingContext(RingRegion region, FileTable files, INamespace fileSystem, TimeProvider time)
    {
        Memory = new UserMemoryAccess(region);
        Files = files;
        Namespace = fileSystem;
        Time = time;
    }

    public UserMemoryAccess Memory { get; }

    public FileTable Files { get; }

    public INamespace Namespace { get; }

    public TimeProvider Time { get; }

    /// <summary>Pipe capacity in bytes.</summary>
    public int PipeCapacity { get; init; } = RingOptions.DefaultPipeCapacity;

    /// <summary>What this ring's writes to host files draw on, if its policy names a budget.</summary>
    public HostBytesBudget? HostBytes { get; init; }

    /// <summary>Pipes with at least one end open.</summary>
    public int LivePipes { get; set; }

    /// <summary>The open file at <paramref name="fd"/> that allows <paramref name="access"/>, or EBADF.</summary>
    public Errno TryGetFile(ulong fd, OpenFlags access, out OpenFile file)
    {
        if (!Files.TryGet(fd, out file!) || (file.Flags & access) != access)
        {
            return Errno.EBADF;
        }

        return Errno.OK;
    }
}
