using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// The command line's sandbox options: <c>--mount</c> puts a real folder in the namespace (read-only with ",ro"),
/// <c>--allow</c>/<c>--deny</c> set the ring's verbs, and every bad value is a clear message with exit code 1.
/// </summary>
public sealed class SandboxCliTests : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("verbring-cli-mount-").FullName;
    private readonly string _data;
    private readonly string _program;

    public SandboxCliTests()
    {
        _data = Directory.CreateDirectory(Path.Combine(_top, "data")).FullName;
        File.WriteAllText(Path.Combine(_data, "input.txt"), "through a mount");
        _program = Path.Combine(_top, "copy-data.vr");
        File.WriteAllText(_program, File.ReadAllText(Repository.PathOf("examples/copy.vr"))
            .Replace("\"/input.txt\"", "\"/data/input.txt\"", StringComparison.Ordinal)
            .Replace("\"/output.txt\"", "\"/data/output.txt\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_WithMount_CopiesInsideTheMountedFolder()
    {
        var result = CliRunner.Run("run", _program, "--mount", $"/data={_data}", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        File.ReadAllText(Path.Combine(_data, "output.txt")).ShouldBe("through a mount");
    }

    [Fact]
    public void Run_WithReadOnlyMount_RefusesTheWriteOpenWithEacces()
    {
        var result = CliRunner.Run("run", _program, "--mount", $"/data={_data},ro", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("\"step\":1,\"verb\":\"OPEN\",\"data\":1,\"error\":13,\"errno\":\"EACCES\"");
        File.Exists(Path.Combine(_data, "output.txt")).ShouldBeFalse();
    }

    [Fact]
    public void Run_AllowAndDeny_CombineIntoTheRingsVerbs()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--allow", "open,write,seek,close", "--deny", "FSYNC", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("\"verb\":\"WRITE\",\"data\":1,\"error\":0");
        result.Out.ShouldContain("\"verb\":\"READ\",\"data\":3,\"error\":1,\"errno\":\"EPERM\"");
    }

    [Theory]
    [InlineData("--allow", "open,frobnicate", "--allow: no verb 'frobnicate' (verbs: nop, read")]
    [InlineData("--mount", "data", "write it as /path=DIR")]
    [InlineData("--mount", "/data=/no/such/folder", "/no/such/folder: no such folder")]
    [InlineData("--mount", "/=.", "use --fs DIR")]
    [InlineData("--mount", "data=.", "not a canonical absolute path")]
    [InlineData("--mount", "/a/../b=.", "not a canonical absolute path")]
    public void Run_BadSandboxOption_ExitsOneWithAMessage(string option, string value, string message)
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), option, value);
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain(message);
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public void Run_EmptyDenyList_DeniesNothing()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--deny", "", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldNotContain("EPERM");
    }

    [Fact]
    public void Run_SandboxOptionsWithConnect_AreRefused()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--connect", Path.Combine(_top, "none.sock"), "--deny", "write");
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("give --seed, --fs, --mount, --allow and --deny to 'verbring serve'");
    }

    [Fact]
    public void Run_TwoMountsAtOnePath_IsACleanError()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--mount", $"/d={_data}", "--mount", $"/d={_data}");
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("Two mounts at '/d'");
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);
}
