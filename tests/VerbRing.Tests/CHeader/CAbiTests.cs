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

    [Theory]
    [InlineData("connect", "doorbell")]
    [InlineData("connect-socket", "socket")]
    public void CClient_DesignCardChain_RunsThroughTheServerWithTheHeadersTransport(string mode, string transport)
    {
        var program = Compile();
        var files = new MemoryNamespace();
        var socket = Path.Combine(_folder, "server.sock");
        using var server = new VerbRing.Kernel.Server.RingServer(RingFactory.CreateDefault(fileSystem: files), socket);

        var output = Run(program, mode, socket);

        output.ShouldContain($"entering over the {transport}");
        output.ShouldContain("c abi: 30 passed, 0 failed");

        files.ReadFile("/hello.txt").ShouldBe("Hello from the ring!\n"u8.ToArray());
        server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue("the server noticed the C client leave");
    }

    [Theory]
    [InlineData("gcc", "c11")]
    [InlineData("gcc", "c99")]
    [InlineData("clang", "c11")]
    [InlineData("clang", "c99")]
    public void CHeader_WithTransport_CompilesFirstInAFileWithNoMacrosOfItsOwn(string compiler, string standard)
    {
        var source = Path.Combine(_folder, "first.c");
        File.WriteAllText(source, """
            #define VR_TRANSPORT
            #include "verbring.h"
            #include <stdio.h>
            int main(int argc, char **argv)
            {
                vr_client_t client;
                uint32_t consumed = 0;
                int status = vr_connect(&client, argc > 1 ? argv[1] : "/nonexistent/vr.sock", 8, 8, 4096);
                if (status == 0) {
                    status = vr_enter_timeout(&client, 0, 0, 0, &consumed);
                    vr_disconnect(&client);
                }
                printf("%d %u\n", status, (unsigned)consumed);
                return 0;
            }

            """);

        var program = CCompiler.Build(compiler, source, Path.Combine(_folder, $"first-{compiler}-{standard}"),
            [.. CCompiler.StrictFlags, $"-std={standard}"]);

        Run(program).Trim().ShouldBe($"{-(int)Errno.ENOENT} 0", "no server there: -ENOENT, nothing consumed");
    }

    [Fact]
    public void CHeader_WithTransportIncludedAfterASystemHeader_SaysInOneLineHowToFixIt()
    {
        var source = Path.Combine(_folder, "late.c");
        File.WriteAllText(source, "#include <stdio.h>\n#define VR_TRANSPORT\n#include \"verbring.h\"\nint main(void) { return 0; }\n");

        var result = CCompiler.Exec("gcc", "-std=c11", "-I", Repository.PathOf("spec"), source, "-o", Path.Combine(_folder, "late"));

        result.Code.ShouldNotBe(0);
        result.Output.ShouldContain("include it before any system header (it defines it), or define _GNU_SOURCE yourself");
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

    private string Compile() =>
        CCompiler.Build("cc", Repository.PathOf("tests/c/abi_chain.c"), Path.Combine(_folder, "abi_chain"),
            [.. CCompiler.StrictFlags, "-std=c11", "-O2"]);

    private static string Run(string program, params string[] args)
    {
        var result = CCompiler.Exec(program, args);
        result.Code.ShouldBe(0, result.Output);
        return result.Output;
    }
}
