using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The random fuzzer's rounds written as inputs of <see cref="SqeStreamTarget"/>: its paths laid out in user memory,
/// random registers, then steps as <see cref="FuzzRound"/> takes them — now and then register writes and a clock move,
/// a batch of 1–32 SQEs from its <see cref="SqeGenerator"/>, an enter of a random amount. Replayed through the
/// instrumented target (<c>afl-showmap -C</c>), they measure the random generator's coverage on the same scale as
/// AFL++'s queue: docs/fuzzing.md, "Coverage-guided fuzzing".
/// </summary>
internal static class RandomSqeStreams
{
    private const int MaxChunk = byte.MaxValue;

    /// <summary>The input of round <paramref name="seed"/>.</summary>
    public static byte[] Generate(int seed)
    {
        var random = new Random(seed);
        var input = new List<byte> { (byte)random.Next(256) };
        var paths = new FuzzPaths("/decoy");
        foreach (var path in paths.All)
        {
            for (var at = 0; at < path.Bytes.Length; at += MaxChunk)
            {
                var chunk = path.Bytes.AsSpan(at, Math.Min(MaxChunk, path.Bytes.Length - at));
                input.Add((byte)SqeStreamTarget.Command.Memory);
                input.AddRange(BitConverter.GetBytes((ushort)(path.Address - RingLayout.UserBase + (ulong)at)));
                input.Add((byte)chunk.Length);
                input.AddRange(chunk);
            }
        }

        var generator = new SqeGenerator(random, paths, SqeStreamTarget.OptionsOf(input[0]).MaxDescriptors);
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            WriteRegister(input, r, random.Next(3) == 0 ? 0 : (ulong)random.NextInt64());
        }

        var pushed = 0UL;
        for (var step = random.Next(30, 181); step > 0; step--)
        {
            for (var i = random.Next(4) == 0 ? random.Next(1, 4) : 0; i > 0; i--)
            {
                WriteRegister(input, random.Next(RegisterFile.Count), generator.RegisterValue());
            }

            if (random.Next(3) == 0)
            {
                input.AddRange([(byte)SqeStreamTarget.Command.Clock, (byte)(random.Next(10) < 9 ? random.Next(255) : 255)]);
            }

            for (var i = random.Next(1, 33); i > 0; i--)
            {
                var sqe = generator.Next(pushed++);
                input.Add((byte)SqeStreamTarget.Command.Push);
                input.AddRange(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<Sqe>(in sqe)).ToArray());
            }

            input.AddRange(random.Next(20) switch
            {
                0 => [(byte)SqeStreamTarget.Command.Enter, 0],
                1 or 2 => [(byte)SqeStreamTarget.Command.Enter, 255],
                3 or 4 => [(byte)SqeStreamTarget.Command.Enter, (byte)random.Next(1, 33)],
                _ => [(byte)SqeStreamTarget.Command.EnterAll],
            });
        }

        return [.. input];
    }

    private static void WriteRegister(List<byte> input, int register, ulong value)
    {
        input.Add((byte)SqeStreamTarget.Command.Register);
        input.Add((byte)register);
        input.AddRange(BitConverter.GetBytes(value));
    }
}
