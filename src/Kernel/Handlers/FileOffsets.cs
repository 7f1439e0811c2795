using VerbRing.Kernel.Files;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>Turns READ/WRITE's offset argument into a file offset: OFF_CUR is the position, else a non-negative value.</summary>
internal static class FileOffsets
{
    public static bool TryResolve(ulong argument, OpenFile file, out long offset)
    {
        offset = argument == Abi.OffCur ? file.Position : (long)argument;
        return offset >= 0;
    }
}
