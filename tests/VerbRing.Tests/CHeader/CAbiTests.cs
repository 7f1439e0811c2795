using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.CHeader;

/// <summary>
/// The proof that the ABI is real and language-neutral: a C program built from spec/verbring.h alone (with the
/// machine's cc, during the test run) pushes the design card's chain into a ring in a mapped file; the C# kernel
/// enters it through its own mapping of the same file; the C program checks every CQE and register.
/// </summary>
public sealed class CAbiTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-c-").FullName;

    [Fact]
    public void CProgram_DesignCardChain_RunsOnTheCSharpKernelThroughAMappedFile()
    {
        var program = Compile();
        var file = Path.Combine(_folder, "ring.bin");
        Run(program, "write", file).ShouldContain("pushed 5 SQEs");

        var files = new MemoryNamespace();
        var factory = RingFactory.CreateDefault(fileSystem: files, time: new ManualClock());
        var options = new RingOptions { SqEntries = 8, CqEntries = 8, UserMemorySize = 4096 };
        using (var region = MappedRingRegion.Open(file, new RingLayout(8, 8, 4096)))
        using (var kernel = factory.Attach(region, options))
        {
            kernel.Enter(5, 5).ShouldBe(new EnterResult(5, Errno.OK));
        }

        Run(program, "check", file).ShouldContain("c abi: 27 passed, 0 failed");
        files.ReadFile("/hello.txt").ShouldBe("Hello from the ring!\n"u8.ToArray());
    }

    [Fact]
    public void CClient_DesignCardChain_RunsThroughTheServerWithTheHeadersTransport()
    {
        var program = Compile();
        var files = new MemoryNamespace();
        var socket = Path.Combine(_folder, "server.sock");
        using var server = new VerbRing.Kernel.Server.RingServer(RingFactory.CreateDefault(fileSystem: files), socket);

        Run(program, "connect", socket).ShouldContain("c abi: 30 passed, 0 failed");

        files.ReadFile("/hello.txt").ShouldBe("Hello from the ring!\n"u8.ToArray());
        server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue("the server noticed the C client leave");
    }

    [Theory]
    [InlineData(1u, 1u, 0u)]
    [InlineData(8u, 8u, 4096u)]
    [InlineData(64u, 128u, 65536u)]
    [InlineData(32768u, 32768u, 100u)]
    public void CHeader_LaysTheRegionOutLikeRingLayout(uint sq, uint cq, uint user)
    {
        var layout = new RingLayout(sq, cq, user);
        Run(Compile(), "layout", sq.ToString(), cq.ToString(), user.ToString()).Trim()
            .ShouldBe($"{RingLayout.SqOffset} {layout.CqOffset} {layout.UserMemoryOffset} {layout.TotalSize}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Compile()
    {
        var output = Path.Combine(_folder, "abi_chain");
        var result = Exec("cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
            "-I", Repository.PathOf("spec"), Repository.PathOf("tests/c/abi_chain.c"), "-o", output);
        result.Code.ShouldBe(0, $"cc failed:\n{result.Output}");
        return output;
    }

    private static string Run(string program, params string[] args)
    {
        var result = Exec(program, args);
        result.Code.ShouldBe(0, result.Output);
        return result.Output;
    }

    private static (int Code, string Output) Exec(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
