using System.Runtime.InteropServices;
using VerbRing.Registers;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// Writes a linked program as an input of <see cref="SqeStreamTarget"/>: its image at the start of user memory
/// (where the linker's addresses point), its <c>set</c> registers, then its SQEs chain by chain, entering whenever the
/// next chain would not fit the SQ and at the end, then the clock to the next timer. The seeds AFL++ starts from.
/// </summary>
internal static class SqeStreamSeeds
{
    private const int MaxChunk = byte.MaxValue;

    /// <summary>The input that runs <paramref name="program"/> on a ring of <paramref name="shape"/> (see <see cref="SqeStreamTarget.OptionsOf"/>).</summary>
    public static byte[] Encode(LinkedProgram program, byte shape = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        var input = new List<byte> { shape };
        var image = program.Image;
        for (var offset = 0; offset < Math.Min(image.Length, (int)SqeStreamTarget.UserMemory); offset += MaxChunk)
        {
            var chunk = image.Slice(offset, Math.Min(MaxChunk, image.Length - offset));
            input.Add((byte)SqeStreamTarget.Command.Memory);
            input.AddRange(BitConverter.GetBytes((ushort)offset));
            input.Add((byte)chunk.Length);
            input.AddRange(chunk);
        }

        foreach (var set in program.Source.Sets)
        {
            input.Add((byte)SqeStreamTarget.Command.Register);
            input.Add((byte)set.Register.Index);
            input.AddRange(BitConverter.GetBytes(set.Value));
        }

        var capacity = SqeStreamTarget.OptionsOf(shape).SqEntries;
        var queued = 0;
        var sqes = program.Sqes.ToArray();
        foreach (var (start, count) in program.Chains)
        {
            if (queued > 0 && queued + count > capacity)
            {
                input.Add((byte)SqeStreamTarget.Command.EnterAll);
                queued = 0;
            }

            foreach (var sqe in sqes.AsSpan(start, count))
            {
                input.Add((byte)SqeStreamTarget.Command.Push);
                input.AddRange(MemoryMarshal.AsBytes(new ReadOnlySpan<Sqe>(in sqe)).ToArray());
            }

            queued += count;
        }

        input.AddRange([(byte)SqeStreamTarget.Command.EnterAll, (byte)SqeStreamTarget.Command.Clock, 255]);
        return [.. input];
    }

    /// <summary>Every program under <paramref name="files"/> that assembles and links, encoded; the rest are skipped.</summary>
    public static IEnumerable<(string Name, byte[] Input)> FromFiles(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            var model = Assembler.Assemble(File.ReadAllBytes(file), file, out var diagnostics);
            if (diagnostics.Any(d => d.Severity == Severity.Error)
                || LinkedProgram.TryLink(model, new RingCapacity(SqeStreamTarget.OptionsOf(0).SqEntries, SqeStreamTarget.UserMemory), out _) is not { } program)
            {
                continue;
            }

            yield return (Path.GetFileNameWithoutExtension(file), Encode(program));
        }
    }
}
