using System.Text.Json;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Tracing;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Tracing;

/// <summary>
/// <see cref="TraceSnapshot"/>, the public way to snapshot-test a chain: its text is what <c>verbring run
/// --virtual-time</c> prints, its JSON what <c>--json</c> prints, and every form is the same on every run.
/// </summary>
public sealed class TraceSnapshotApiTests
{
    [Theory]
    [InlineData("examples/hello.vr")]
    [InlineData("examples/failing.vr")]
    [InlineData("tests/VerbRing.Tests/Snapshots/Programs/pending.vr")]
    [InlineData("tests/VerbRing.Tests/Snapshots/Programs/timeouts.vr")]
    [InlineData("tests/VerbRing.Tests/Snapshots/Programs/cancel.vr")]
    public void Of_Program_IsWhatRunPrintsOnTheVirtualClock(string program)
    {
        var path = Repository.PathOf(program);
        var snapshot = TraceSnapshot.Of(File.ReadAllText(path), file: path);

        var cli = CliRunner.Run("run", path, "--virtual-time");
        var json = CliRunner.Run("run", path, "--virtual-time", "--json");

        snapshot.Text.ShouldBe(cli.Out);
        JsonSerializer.Serialize(JsonDocument.Parse(snapshot.Json)).ShouldBe(JsonSerializer.Serialize(JsonDocument.Parse(json.Out)));
    }

    [Fact]
    public void Of_TheSameChainTwice_GivesTheSameTextJsonAndTimeline()
    {
        var files = new MemoryNamespace();
        files.WriteFile("/in.txt", "copy me");

        var first = TraceSnapshot.Of(Chain(), new SnapshotOptions { Files = files });
        var second = TraceSnapshot.Of(Chain(), new SnapshotOptions { Files = files });

        first.Text.ShouldBe(second.Text);
        first.Json.ShouldBe(second.Json);
        first.Timeline.ShouldBe(second.Timeline);
        first.Text.ShouldContain("\"copy me\"");
        first.Timeline.ShouldContain("\"dur\": 2000", customMessage: "the 2 ms sleep, on the virtual clock");
    }

    [Fact]
    public void Of_ADeadlinePassed_MarksTheMissingSteps_WithoutWaiting()
    {
        var snapshot = TraceSnapshot.Of("nop timeout 3600s\n", new SnapshotOptions { Timeout = TimeSpan.FromSeconds(1) });

        snapshot.Text.ShouldContain("had not completed at the deadline and was cancelled: step 0");
        snapshot.Run.Run.IsComplete.ShouldBeFalse();
    }

    [Fact]
    public void Of_SourceWithAnError_ThrowsWithFileLineColumn()
    {
        var failure = Should.Throw<ProgramException>(() => TraceSnapshot.Of("nop\nfrobnicate r0\n", file: "mine.vr"));

        failure.Message.ShouldContain("mine.vr:2:1");
    }

    private static LinkedProgram Chain()
    {
        var p = new ProgramBuilder();
        var buf = p.Buffer("buf", 16);
        p.Open("/in.txt").To(Reg.R0).Link();
        p.Nop().Timeout(TimeSpan.FromMilliseconds(2)).Link();
        p.Read(Reg.R0, buf, buf.Length).To(Reg.R1).Link();
        p.Close(Reg.R0);
        return p.Build();
    }
}
