using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Tracing;

/// <summary>
/// One trace whatever the kernel (issue 17): every example and snapshot program, run in process and across a server
/// (<c>--kernel server</c>, and <c>--connect</c> to a server the test hosts), prints the same trace text and the
/// same <c>--json</c> — the server ships its kernel observer's records, so the bytes a READ or WRITE moved are
/// those of its completion and a policy refusal reads as one.
/// </summary>
public sealed class RemoteTraceParityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-parity-").FullName;
    private readonly RingServer _server;

    public RemoteTraceParityTests()
    {
        var files = new MemoryNamespace();
        foreach (var file in Directory.GetFiles(Repository.PathOf("examples/seed")))
        {
            files.WriteFile("/" + Path.GetFileName(file), File.ReadAllBytes(file));
        }

        _server = new RingServer(RingFactory.CreateDefault(fileSystem: files), Path.Combine(_folder, "s.sock"));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// Every examples/*.vr and Snapshots/Programs/*.vr that runs to the end: not the assembler's failures, and not
    /// deadline.vr and timeouts.vr, whose traces depend on timers firing in real time (a server's clock is real, so
    /// --virtual-time cannot go with it).
    /// </summary>
    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repository.PathOf("examples"), "*.vr").Order(StringComparer.Ordinal))
        {
            data.Add("examples/" + Path.GetFileName(file));
        }

        string[] skipped = ["bad-assembly.vr", "check-errors.vr", "deadline.vr", "timeouts.vr"];
        foreach (var file in Directory.GetFiles(Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs"), "*.vr").Order(StringComparer.Ordinal))
        {
            if (!skipped.Contains(Path.GetFileName(file)))
            {
                data.Add("tests/VerbRing.Tests/Snapshots/Programs/" + Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Run_OnAServer_PrintsTheInProcessTraceAndJson(string program)
    {
        string[] run = ["run", Repository.PathOf(program), .. Arguments(program)];

        foreach (var json in new[] { false, true })
        {
            string[] form = json ? [.. run, "--json"] : run;
            var local = CliRunner.Run(form);
            var served = CliRunner.Run([.. form, "--kernel", "server"]);
            local.Error.ShouldNotContain("   at ");
            served.ExitCode.ShouldBe(local.ExitCode, served.Error);
            served.Out.ShouldBe(local.Out, $"{program}{(json ? " --json" : "")}: the trace over a server differs");
        }
    }

    [Theory]
    [InlineData("examples/hello.vr")]
    [InlineData("examples/copy.vr")]
    [InlineData("examples/cleanup.vr")]
    [InlineData("examples/failing.vr")]
    [InlineData("tests/VerbRing.Tests/Snapshots/Programs/verbs.vr")]
    [InlineData("tests/VerbRing.Tests/Snapshots/Programs/registers.vr")]
    public void RunConnect_PrintsTheInProcessTraceAndJson(string program)
    {
        foreach (var json in new[] { false, true })
        {
            string[] form = json ? ["run", Repository.PathOf(program), "--json"] : ["run", Repository.PathOf(program)];
            var local = CliRunner.Run([.. form, "--seed", Repository.PathOf("examples/seed")]);
            var remote = CliRunner.Run([.. form, "--connect", _server.SocketPath]);
            remote.ExitCode.ShouldBe(0, remote.Error);
            remote.Out.ShouldBe(local.Out);
        }
    }

    [Fact]
    public void RunConnect_ReadIntoABufferALaterStepRewrites_ShowsTheBytesOfItsCompletion()
    {
        // verbs.vr reads "6789" into buf at step 4, then "copies this file" into the same buf at step 10: a trace
        // rebuilt from user memory after the run showed the later bytes at step 4.
        var remote = CliRunner.Run("run", Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs/verbs.vr"), "--connect", _server.SocketPath);

        remote.Out.Split('\n').Single(l => l.TrimStart().StartsWith("4  READ", StringComparison.Ordinal)).ShouldEndWith("\"6789\"");
    }

    [Fact]
    public void RunOnAServer_PolicyRefusal_ShowsTheArgumentsAsSubmitted_NotAVerbsEperm()
    {
        var policy = Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs/policy.vr");
        var served = CliRunner.Run("run", policy, "--deny", "write,pipe", "--kernel", "server");

        // A denied WRITE never loaded its registers: the trace shows the register, as in process.
        served.Out.ShouldContain("WRITE  fd=r3");
        served.Out.ShouldContain("EPERM");
    }

    /// <summary>The options a program documents, folders made absolute, minus --virtual-time.</summary>
    private static IEnumerable<string> Arguments(string program) =>
        DocumentedRun.Options(program).Where(w => w != "--virtual-time").Select(DocumentedRun.ToHostPath);
}
