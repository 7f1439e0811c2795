using System.Diagnostics;
using System.Text;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>
/// What the command line reads a program from: a regular file up to --max-program-bytes, or standard input for
/// '-'. Anything else — a device that never ends, a FIFO that would block, a directory, a file too large — is one
/// line naming the file and exit code 2, at once, never a stack trace.
/// </summary>
public sealed class ProgramInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("run", "/dev/zero", "the program is a character device, not a regular file")]
    [InlineData("check", "/dev/urandom", "the program is a character device, not a regular file")]
    [InlineData("disasm", "/dev/null", "the program is a character device, not a regular file")]
    [InlineData("run", "/dev/null", "the program is a character device, not a regular file")]
    public void Load_Device_IsRefusedInOneLine(string command, string path, string message) =>
        ShouldRefuse(CliRunner.Run(command, path), path, message);

    [Fact]
    public void Load_Fifo_IsRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_folder, "program.vr");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.ShouldBe(0);
        }

        ShouldRefuse(CliRunner.Run("run", fifo), fifo, "the program is a FIFO, not a regular file");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("run")]
    public void Load_Directory_IsRefusedInOneLine(string command) =>
        ShouldRefuse(CliRunner.Run(command, _folder), _folder, "the program is a directory, not a regular file");

    [Fact]
    public void Load_FileOverTheDefaultCap_IsRefusedBeforeItIsRead()
    {
        var big = Path.Combine(_folder, "big.vr");
        using (var file = File.Create(big))
        {
            file.SetLength((16L << 20) + 1); // sparse: the cap is checked on the file's size, before any read
        }

        ShouldRefuse(CliRunner.Run("run", big), big, "the program is larger than 16777216 bytes (raise --max-program-bytes");
    }

    [Fact]
    public void Load_FileAtTheCap_IsReadAndOneByteMoreIsNot()
    {
        var program = Path.Combine(_folder, "nop.vr");
        File.WriteAllText(program, "nop\n");
        CliRunner.Run("check", program, "--max-program-bytes", "4").ExitCode.ShouldBe(0);
        ShouldRefuse(CliRunner.Run("check", program, "--max-program-bytes", "3"), program, "the program is larger than 3 bytes");
    }

    [Fact]
    public void Load_MissingFile_IsOneLineNamingIt()
    {
        var missing = Path.Combine(_folder, "missing.vr");
        ShouldRefuse(CliRunner.Run("check", missing), missing, "cannot read the program: No such file or directory");
    }

    [Fact]
    public void Load_EmptyPath_IsOneLine() =>
        ShouldRefuse(CliRunner.Run("check", ""), "", "cannot read the program: the path is empty");

    [Theory]
    [InlineData("-1")]
    [InlineData("536870913")]
    public void Load_CapOutOfRange_IsBadUsage(string cap)
    {
        var result = CliRunner.Run("check", "/dev/null", "--max-program-bytes", cap);
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldStartWith("verbring: --max-program-bytes is a number of bytes from 0 to 536870912");
    }

    [Fact]
    public void Load_Dash_ReadsStandardInput()
    {
        var result = CliRunner.RunWithInput("\uFEFFnop link\nnop\n"u8.ToArray(), "check", "-");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("ok: 2 steps in 1 chain,");
    }

    [Fact]
    public void Load_Dash_NamesStandardInputInDiagnostics()
    {
        var result = CliRunner.RunWithInput("nop\nclose r3\n"u8.ToArray(), "check", "-");
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldStartWith("<stdin>:2:7: error: r3 is loaded here");
    }

    [Fact]
    public void Load_DashInvalidUtf8_IsAnErrorAtStdinsLineAndColumn()
    {
        var input = "nop\ndata d \""u8.ToArray().Append((byte)0xFF).Concat("\"\n"u8.ToArray()).ToArray();
        var result = CliRunner.RunWithInput(input, "run", "-");
        result.ExitCode.ShouldBe(2);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldStartWith("<stdin>:2:9: error: invalid UTF-8 at byte 12 (0xFF)");
    }

    [Fact]
    public void Load_DashOverTheCap_StopsReadingAndRefuses()
    {
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("nop\n", 1000)));
        ShouldRefuse(CliRunner.RunWithInput(input, "run", "-", "--max-program-bytes", "1000"), "<stdin>", "the program is larger than 1000 bytes");
    }

    private static void ShouldRefuse(CliRunner.Result result, string name, string message)
    {
        result.ExitCode.ShouldBe(2);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldStartWith($"{name}: error: {message}");
        result.Error.TrimEnd('\n').ShouldNotContain('\n'); // one line, no stack trace
    }
}
