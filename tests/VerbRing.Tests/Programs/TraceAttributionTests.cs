using System.Text;
using System.Text.Json;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>
/// What a run reports, whatever the program and the kernel: each completion under the step it belongs to (shared
/// tags too), the deadline's leftovers in the JSON as in the text, one trace for a local and a remote kernel, and
/// a word for programs that do nothing or cannot be decoded.
/// </summary>
public sealed class TraceAttributionTests : IDisposable
{
    // A READ that pends on a pipe and a NOP that share tag 1: the NOP completes first.
    private const string SharedTag = "buffer buf 8\npipe -> r0\nread r0.lo, buf, 4 tag 1\nnop tag 1\nwrite r0.hi, \"ping\", 4\n";

    // Loads resolved from saves, bytes through a pipe, a step skipped behind a failed link, and one behind a hardlink.
    private const string Remote = "buffer buf 8\npipe -> r0\nwrite r0.hi, \"ping\", 4 -> r1 link\nread r0.lo, buf, r1 -> r2 link\n"
        + "open \"/nope\" -> r3 link\nclose r3\nopen \"/nope\" -> r4 hardlink\nclose r4\nclose r0.lo\n";

    // r5 has two savers: each chain loads the descriptor its own open saved (0, then 1: r4 holds 0 by then).
    private const string TwoSavers = "open \"/a\", READ|WRITE|CREATE -> r5 link\nclose r5\nopen \"/a\" -> r4\n"
        + "open \"/a\" -> r5 link\nclose r5\nclose r4\n";

    private const string Deadline = "buffer buf 8\npipe -> r0 link\nread r0.lo, buf, 8 link\nnop\nnop\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-attribution-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void RunJson_SharedTagPendingReadAndNop_AttributesEachCompletionToItsOwnStep()
    {
        var result = CliRunner.Run("run", Write(SharedTag), "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("tag 1 is also the tag of step 1");
        using var json = JsonDocument.Parse(result.Out);
        var steps = json.RootElement.GetProperty("completions").EnumerateArray()
            .Select(c => (c.GetProperty("step").GetInt32(), c.GetProperty("verb").GetString())).ToList();
        steps.ShouldBe([(0, "PIPE"), (2, "NOP"), (3, "WRITE"), (1, "READ")]);
    }

    [Fact]
    public void RunText_SharedTag_ShowsTheReadsBytesUnderTheReadStep()
    {
        var result = CliRunner.Run("run", Write(SharedTag));
        result.ExitCode.ShouldBe(0, result.Error);
        var rows = result.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l.TrimStart()[0])).ToList();
        rows.ShouldContain(r => r.TrimStart().StartsWith("1  READ", StringComparison.Ordinal) && r.Contains("\"ping\"", StringComparison.Ordinal));
        rows.ShouldContain(r => r.TrimStart().StartsWith("2  NOP", StringComparison.Ordinal));
    }

    [Fact]
    public void RunJson_DeadlineLeftovers_AreCompletionsAsInTheText()
    {
        var result = CliRunner.Run("run", Write(Deadline), "--json", "--virtual-time", "--timeout", "1s");
        result.ExitCode.ShouldBe(3, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var completions = json.RootElement.GetProperty("completions").EnumerateArray().ToList();
        completions.Select(c => (c.GetProperty("step").GetInt32(), c.GetProperty("errno").GetString(), c.GetProperty("cancelledAtDeadline").GetBoolean()))
            .ShouldBe([(0, "OK", false), (3, "OK", false), (1, "ECANCELED", true), (2, "ECANCELED", true)]);
        completions[2].GetProperty("arguments").GetString().ShouldBe("fd=0 buffer=buf count=8 offset=CUR");
        completions[3].GetProperty("arguments").GetString().ShouldBe("(not run)");
        json.RootElement.GetProperty("missing").EnumerateArray().Select(m => m.GetInt32()).ShouldBe([1, 2]);
    }

    [Theory]
    [InlineData(Remote, "5s")]
    [InlineData(TwoSavers, "5s")]
    [InlineData(Deadline, "1s")]
    public void RunConnect_GivesTheLocalTrace(string program, string timeout)
    {
        var file = Write(program);
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"));
        var local = CliRunner.Run("run", file, "--timeout", timeout);
        var remote = CliRunner.Run("run", file, "--timeout", timeout, "--connect", server.SocketPath);
        remote.ExitCode.ShouldBe(local.ExitCode, remote.Error);
        remote.Out.ShouldBe(local.Out);
        remote.Error.ShouldBe(local.Error);
    }

    [Fact]
    public void RunConnect_ResolvesLoadsAndShowsBytes()
    {
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"));
        var remote = CliRunner.Run("run", Write(Remote), "--connect", server.SocketPath);
        remote.ExitCode.ShouldBe(0, remote.Error);
        remote.Out.ShouldContain("READ   fd=0 buffer=buf count=4 offset=CUR");
        remote.Out.ShouldContain("\"ping\"");
        remote.Out.ShouldNotContain("fd=r0");
        remote.Out.ShouldContain("CLOSE  (not run)");
        remote.Out.ShouldContain("CLOSE  fd=ERR");
    }

    [Fact]
    public void RunConnect_RegisterWithTwoSavers_ShowsWhatEachLoadRead()
    {
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"));
        var remote = CliRunner.Run("run", Write(TwoSavers), "--connect", server.SocketPath);
        remote.ExitCode.ShouldBe(0, remote.Error);
        var closes = remote.Out.Split('\n').Where(l => l.Contains("CLOSE", StringComparison.Ordinal)).Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[2]);
        closes.ShouldBe(["fd=0", "fd=1", "fd=0"]);
    }

    [Theory]
    [InlineData("buffer buf 8\npipe -> r0\nread r0.lo, buf, 8\n", "step 1 had not completed after 1 s and was cancelled", "cancelled: step 1")]
    [InlineData(Deadline, "steps 1, 2 had not completed after 1 s and were cancelled", "cancelled: steps 1, 2")]
    public void Run_Deadline_NamesTheStepsInTheRightNumber(string program, string error, string footnote)
    {
        var result = CliRunner.Run("run", Write(program), "--virtual-time", "--timeout", "1s");
        result.ExitCode.ShouldBe(3);
        result.Error.ShouldBe($"verbring: {error}\n");
        result.Out.ShouldContain($"* had not completed at the deadline and was {footnote}\n");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n\n")]
    public void Run_ProgramWithoutSteps_Warns(string text)
    {
        var file = Write(text);
        foreach (var command in new[] { "run", "check" })
        {
            var result = CliRunner.Run(command, file);
            result.ExitCode.ShouldBe(0);
            result.Error.ShouldBe($"{Path.GetFileName(file)}:1:1: warning: the program has no steps: running it submits nothing\n");
        }
    }

    [Fact]
    public void Run_NoMemoryProgramOnMemoryZero_Runs()
    {
        var result = CliRunner.Run("run", Write("nop -> r1\n"), "--memory", "0", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("completions").EnumerateArray().Single().GetProperty("errno").GetString().ShouldBe("OK");
    }

    [Theory]
    [InlineData("nop\n", "ok: 1 step in 1 chain, 0 bytes of user memory, 0 warnings")]
    [InlineData("nop link\n", "ok: 1 step in 1 chain, 0 bytes of user memory, 1 warning")]
    [InlineData("data d \"x\"\nnop link\nnop\n", "ok: 2 steps in 1 chain, 8 bytes of user memory, 0 warnings")]
    public void Check_Summary_CountsInTheRightNumber(string text, string summary)
    {
        var result = CliRunner.Run("check", Write(text));
        result.ExitCode.ShouldBe(0);
        result.Out.ShouldBe(summary + "\n");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "invalid UTF-8 at byte 12 (0xFF)")]
    [InlineData(new byte[] { 0xC3 }, "invalid UTF-8 at byte 12 (0xC3)")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "a UTF-16 surrogate encoded as UTF-8 (CESU-8) at byte 12")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "invalid UTF-8 at byte 12 (0xC0)")]
    public void Run_InvalidUtf8InALiteral_IsAnErrorAtItsLineAndColumn(byte[] bad, string message)
    {
        // Line 2, after 'open "é': column 8 (characters), byte 12 of the file.
        var bytes = Encoding.UTF8.GetBytes("nop\nopen \"é").Concat(bad).Concat("\"\n"u8.ToArray()).ToArray();
        var file = Path.Combine(_folder, $"{Guid.NewGuid():N}.vr");
        File.WriteAllBytes(file, bytes);
        var result = CliRunner.Run("run", file);
        result.ExitCode.ShouldBe(2);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldStartWith($"{Path.GetFileName(file)}:2:8: error: {message}");
        result.Error.TrimEnd('\n').ShouldNotContain('\n');
    }

    private string Write(string text)
    {
        var file = Path.Combine(_folder, $"{Guid.NewGuid():N}.vr");
        File.WriteAllText(file, text);
        return file;
    }
}
