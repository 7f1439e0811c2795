using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

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

    [Fact]
    public void Serve_WithMaxClients_RefusesTheNextClient_AndRunConnectSaysWhyInOneLine()
    {
        var socket = Path.Combine(_folder, "m.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--max-clients", "1");
        try
        {
            server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
            using (var only = RingClient.Connect(socket))
            {
                var refused = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--connect", socket);
                refused.ExitCode.ShouldNotBe(0);
                refused.Error.ShouldBe($"verbring: --connect {socket}: The server is full: it serves at most 1 client at once (EAGAIN); try again later.\n");
                only.Enter(0, 0).IsSuccess.ShouldBeTrue("the client within the limit is served throughout");
            }

            // The ring is gone once the server has torn it down; a client asking from then on is served.
            SpinWait.SpinUntil(() => CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--connect", socket).ExitCode == 0, TimeSpan.FromSeconds(60))
                .ShouldBeTrue("a client is served once the first has left");
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            server.WaitForExit();
        }
    }

    [Fact]
    public void Serve_WithMaxClientsZero_IsRefusedInOneLine()
    {
        var result = CliRunner.Run("serve", "--socket", Path.Combine(_folder, "z.sock"), "--max-clients", "0");
        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldBe("verbring: --max-clients must be at least 1.\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
