using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Server;

/// <summary>
/// <c>verbring serve</c> in a process of its own, with a policy and a read-only mount: every client's ring gets
/// them, and SIGTERM stops the server cleanly.
/// </summary>
public sealed class ServePolicyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-serve-policy-").FullName;

    [Fact]
    public void Serve_WithDenyAndReadOnlyMount_EveryClientGetsThatPolicy()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "in.txt"), "served");
        var socket = Path.Combine(_folder, "p.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--deny", "pipe", "--mount", $"/data={data},ro");
        try
        {
            server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
            for (var client = 0; client < 2; client++)
            {
                using var ring = RingClient.Connect(socket);
                ring.RunOne(Sqes.Pipe()).ErrorCode().ShouldBe(Errno.EPERM, $"client {client}: PIPE is denied");
                ring.RunOne(Sqes.Open(ring.Memory.Put("/data/new"), OpenFlags.Write | OpenFlags.Create)).ErrorCode().ShouldBe(Errno.EACCES, $"client {client}: /data is read-only");
                var open = ring.RunOne(Sqes.Open(ring.Memory.Put("/data/in.txt"), OpenFlags.Read));
                open.ShouldSucceed();
                ring.RunOne(Sqes.Close(open.Result)).ShouldSucceed();
            }

            File.Exists(Path.Combine(data, "new")).ShouldBeFalse();
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            server.WaitForExit();
        }

        server.ExitCode.ShouldBe(0, server.StandardError.ReadToEnd());
        File.Exists(socket).ShouldBeFalse("the server removes its socket when it stops");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
