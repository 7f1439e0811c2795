using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

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
        var factory = RingFactory.CreateDefault(fileSystem: files, time: new FakeTimeProvider());
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

    [Fact]
    public void CClient_OnTheDoorbell_WhenTheServerStopsMidWait_GetsEpipeThenAndOnEveryEnterAfter()
    {
        var program = Compile();
        var socket = Path.Combine(_folder, "server.sock");
        var server = new VerbRing.Kernel.Server.RingServer(RingFactory.CreateDefault(fileSystem: new MemoryNamespace()), socket);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        start.ArgumentList.Add("hangup");
        start.ArgumentList.Add(socket);
        using var client = Process.Start(start)!;

        client.StandardOutput.ReadLine().ShouldBe("waiting");
        server.Dispose();
        var rest = client.StandardOutput.ReadToEnd();
        client.WaitForExit();

        rest.ShouldBe($"enter {-(int)Errno.EPIPE} consumed 0\nenter {-(int)Errno.EPIPE} consumed 0\n");
        client.ExitCode.ShouldBe(0);
    }

    [Fact]
    public void CSpin_FedTheSameOutcomesAsSpinBudget_AgreesAfterEveryOne()
    {
        // Stopwatch ticks are nanoseconds on Linux, so the C port's ns and SpinBudget's ticks compare directly.
        Stopwatch.Frequency.ShouldBe(1_000_000_000);
        var random = new Random(16);
        var script = new List<string>();
        foreach (var phase in Enumerable.Range(0, 60))
        {
            // Phases of calm (catches), crowding (lost CPUs, misses) and a long calm run that halves the interval.
            var length = phase % 20 == 19 ? 4200 : random.Next(5, 60);
            var calm = phase % 20 == 19 || phase % 3 == 0;
            for (var i = 0; i < length; i++)
            {
                var roll = random.Next(10);
                script.Add("n");
                script.Add(calm ? $"c {random.Next(0, 200_000)}"
                    : phase % 3 == 1 ? (roll < 4 ? "m" : roll < 7 ? "p" : $"c {random.Next(0, 3_000)}")
                    : (roll < 5 ? "m" : $"c {random.Next(0, 3_000)}"));
            }
        }

        var file = Path.Combine(_folder, "spin.txt");
        File.WriteAllLines(file, script);
        var c = Run(Compile(), "spin", file).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var budget = SpinBudget.Leader();
        c.Length.ShouldBe(script.Count);
        for (var i = 0; i < script.Count; i++)
        {
            var allowed = 0L;
            switch (script[i][0])
            {
                case 'n': allowed = budget.NextWait(partnerAwake: true); break;
                case 'c': budget.Caught(long.Parse(script[i][2..], CultureInfo.InvariantCulture)); break;
                case 'm': budget.Missed(); break;
                default: budget.Preempted(); break;
            }

            c[i].ShouldBe($"{allowed} {budget.FittedTicks} {(budget.Asleep ? 1 : 0)} {budget.ProbeInterval} {budget.LostCpuDebt}",
                $"outcome {i}: {script[i]}");
        }

        script.Count(line => line == "p").ShouldBeGreaterThan(10, "the script loses CPUs");
        c.Count(line => line.Split(' ')[2] == "1").ShouldBeGreaterThan(10, "spinning turned off along the way");
        c.Select(line => line.Split(' ')[3]).Distinct().Count().ShouldBeGreaterThan(3, "the probe interval moved");
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
