using System.Diagnostics;
using System.Globalization;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.CHeader;

/// <summary>
/// examples/c/chain.c is what a newcomer builds first: built with gcc -std=c11 -Wall -Werror -I spec as its README
/// says, and run against a real `verbring serve` process, it runs the design card's chain over the doorbell and checks
/// every CQE and register itself. examples/c/copy_all.c, written from spec/ alone, copies a file of a size it does
/// not know in one enter with VerbRing's LOOP and quiet steps.
/// </summary>
public sealed class CExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-cex-").FullName;

    [Fact]
    public void ChainExample_AgainstVerbringServe_RunsTheDesignCardsChainOverTheDoorbell_EveryCheckPassing()
    {
        var chain = CCompiler.Build("gcc", Repository.PathOf("examples/c/chain.c"), Path.Combine(_folder, "chain"),
            "-std=c11", "-Wall", "-Werror");
        var (code, output) = AgainstServer(chain);

        code.ShouldBe(0, output);
        output.ShouldContain("entering over the doorbell");
        output.ShouldContain("enter(5, 5, 5 s): 0, consumed 5");
        output.ShouldContain("cqe 1: op 2 data 1 error 0 result 21");
        output.ShouldContain("cqe 3: op 1 data 3 error 0 result 21");
        output.ShouldContain("cqe 4: op 5 data 4 error 0 result 0");
        var fd = output.Split('\n').Single(line => line.StartsWith("cqe 0: op 4 data 0 error 0 result ", StringComparison.Ordinal))[34..];
        output.ShouldContain($"registers: r0 {fd} r1 21 r2 21 r3 1003 r4 1004 r5 1005 r6 1006\n");
        output.ShouldNotContain("FAIL");
        output.Split('\n').Count(line => line.StartsWith("ok ", StringComparison.Ordinal)).ShouldBe(14);
        output.ShouldEndWith("chain: all checks passed\n");
    }

    [Fact]
    public void CopyAllExample_AgainstVerbringServe_CopiesAFileInOneEnterWithTwoCqes_EveryCheckPassing()
    {
        var copy = CCompiler.Build("gcc", Repository.PathOf("examples/c/copy_all.c"), Path.Combine(_folder, "copy_all"),
            "-std=c11", "-Wall", "-Werror");
        var (code, output) = AgainstServer(copy);

        code.ShouldBe(0, output);
        output.ShouldContain("loop: error 0 result 11; r2 0 r3 11");
        output.ShouldNotContain("FAIL");
        output.Split('\n').Count(line => line.StartsWith("ok ", StringComparison.Ordinal)).ShouldBe(12);
        output.ShouldEndWith("copy_all: all checks passed\n");
    }

    [Fact]
    public void ChainExample_WithNoServerThere_SaysSoInOneLineAndFails()
    {
        var chain = CCompiler.Build("gcc", Repository.PathOf("examples/c/chain.c"), Path.Combine(_folder, "chain"),
            "-std=c11", "-Wall", "-Werror");
        var socket = Path.Combine(_folder, "nobody.sock");

        var (code, output) = CCompiler.Exec(chain, socket);

        code.ShouldBe(1);
        output.ShouldBe($"chain: cannot connect to {socket}: No such file or directory (errno 2)\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Runs a built example against a fresh `verbring serve` in the test's folder, then stops the server.</summary>
    private (int Code, string Output) AgainstServer(string example)
    {
        var socket = Path.Combine(_folder, "vr.sock");
        using var server = CliRunner.Start("serve", "--socket", socket);
        try
        {
            server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");
            return CCompiler.Exec(example, socket);
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            server.WaitForExit();
        }
    }
}
