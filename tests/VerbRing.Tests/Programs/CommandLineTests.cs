using System.Text.Json;
using VerbRing.Cli;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>
/// How the command line reads its options: every mistake is one line and exit 1 (never a stack trace or a .NET type
/// name), <c>--kernel</c> has one spelling, options that cannot go together are refused, and help says what it takes.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly string Hello = Repository.PathOf("examples/hello.vr");
    private readonly string _top = Directory.CreateTempSubdirectory("verbring-cli-options-").FullName;

    [Theory]
    [InlineData("run", "HELLO", "--timeout", "99999999999999s")]
    [InlineData("run", "HELLO", "--timeout", "1e308s")]
    [InlineData("run", "HELLO", "--timeout", "-1s")]
    [InlineData("run", "HELLO", "--timeout", "1s", "--timeout", "2s")]
    [InlineData("run", "HELLO", "--sq", "99999999999")]
    [InlineData("run", "HELLO", "--memory", "lots")]
    [InlineData("run", "HELLO", "--fds", "1.5")]
    [InlineData("run", "HELLO", "--max-program-bytes", "big")]
    [InlineData("run", "HELLO", "--kernel", "KernelThread")]
    [InlineData("fuzz", "--start-seed", "notanumber")]
    [InlineData("fuzz", "--seconds", "soon")]
    [InlineData("fuzz", "--seconds", "NaN")]
    [InlineData("fuzz", "--sqes", "-")]
    [InlineData("fuzz", "--rounds", "99999999999")]
    [InlineData("bench", "--samples", "x")]
    [InlineData("serve", "--socket", "TOP/s.sock", "--max-clients", "many")]
    [InlineData("serve", "--socket", "")]
    [InlineData("run", "HELLO", "--connect", "")]
    [InlineData("run", "HELLO", "--seed", "")]
    [InlineData("fuzz", "--dir", "")]
    [InlineData("frobnicate")]
    [InlineData("run")]
    public void Parse_BadValue_IsOneLineAndExitOne(params string[] args)
    {
        var result = CliRunner.Run([.. args.Select(a => a == "HELLO" ? Hello : a.Replace("TOP", _top, StringComparison.Ordinal))]);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldStartWith("verbring: ");
        result.Error.TrimEnd('\n').ShouldNotContain('\n', customMessage: "one line");
        result.Error.ShouldNotContain("   at ");
        result.Error.ShouldNotContain("System.");
        result.Error.ShouldNotContain("VerbRing.");
    }

    [Theory]
    [InlineData("--timeout", "99999999999999s", "--timeout 99999999999999s: at most")]
    [InlineData("--sq", "99999999999", "--sq 99999999999: write a whole number from 0 to 4294967295")]
    [InlineData("--kernel", "KernelThread", "--kernel KernelThread: write one of in-process, kernel-thread, server")]
    public void Parse_BadValue_SaysWhatTheOptionTakes(string option, string value, string message)
    {
        var result = CliRunner.Run("run", Hello, option, value);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain(message);
    }

    [Fact]
    public void Fuzz_NotANumberSeed_SaysWhatItTakes()
    {
        var result = CliRunner.Run("fuzz", "--start-seed", "notanumber");

        result.Error.ShouldBe("verbring: --start-seed notanumber: write a whole number from -2147483648 to 2147483647\n".ReplaceLineEndings());
    }

    [Fact]
    public void Fuzz_OldSeedSpelling_SaysTheNewOne()
    {
        var result = CliRunner.Run("fuzz", "--seed", "44");

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain("fuzz --seed is now --start-seed");
    }

    [Theory]
    [InlineData("/h")]
    [InlineData("/?")]
    public void Run_MountAtAHelpSpelling_RunsTheProgram(string at)
    {
        var result = CliRunner.Run("run", Hello, "--mount", $"{at}={_top}");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldNotContain("Usage:");
        result.Out.ShouldContain("registers: r0=0 r1=21 r2=21");
    }

    [Fact]
    public void Run_MountAtSlashHOfAMissingFolder_IsTheMountsError()
    {
        var result = CliRunner.Run("run", Hello, "--mount", "/h=/no/such/folder");

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain("--mount /h=/no/such/folder: /no/such/folder: no such folder");
    }

    [Fact]
    public void Run_FileNamedWithAnAt_IsAFileNotAResponseFile()
    {
        var result = CliRunner.Run("run", "@" + Path.Combine(_top, "none.vr"));

        result.ExitCode.ShouldBe(CliApp.BadProgram);
        result.Error.ShouldContain("cannot read the program");
    }

    [Theory]
    [InlineData("kernel-thread")]
    [InlineData("server")]
    public void Run_OnEachKernel_GivesTheSameCompletions(string kernel)
    {
        var inProcess = CliRunner.Run("run", Hello, "--kernel", "in-process", "--json");
        var other = CliRunner.Run("run", Hello, "--kernel", kernel, "--json");

        other.ExitCode.ShouldBe(0, other.Error);
        Completions(other.Out).ShouldBe(Completions(inProcess.Out));
    }

    [Fact]
    public void Run_ServerKernelKeepsThePolicy()
    {
        var result = CliRunner.Run("run", Hello, "--kernel", "server", "--deny", "read", "--json");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("\"verb\":\"READ\",\"data\":3,\"error\":1,\"errno\":\"EPERM\"");
    }

    [Theory]
    [InlineData("--connect runs on the server's kernel and clock: drop --kernel", "--kernel", "kernel-thread")]
    [InlineData("--connect runs on the server's kernel and clock: drop --virtual-time", "--virtual-time")]
    [InlineData("--connect runs on the server's kernel and clock: drop --kernel and --virtual-time", "--kernel", "in-process", "--virtual-time")]
    public void Run_ConnectWithKernelOrClock_IsRefused(string message, params string[] options)
    {
        var result = CliRunner.Run(["run", Hello, "--connect", Path.Combine(_top, "none.sock"), .. options]);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldBe($"verbring: {message}\n".ReplaceLineEndings());
    }

    [Fact]
    public void Run_ServerKernelOnVirtualTime_IsRefused()
    {
        var result = CliRunner.Run("run", Hello, "--kernel", "server", "--virtual-time");

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain("--virtual-time needs the kernel in this process");
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData(" , ")]
    public void Run_AllowNamingNoVerb_IsAnError(string list)
    {
        var result = CliRunner.Run("run", Hello, "--allow", list);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldContain("--allow names no verb");
    }

    [Fact]
    public void Run_AllowAndDenySameVerb_IsAConflict()
    {
        var result = CliRunner.Run("run", Hello, "--allow", "open,READ,write", "--deny", "read,close");

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldBe("verbring: --allow and --deny both name read: name each verb in one of them\n".ReplaceLineEndings());
    }

    [Fact]
    public void RunHelp_ShowsTheTimeoutDefaultAsItIsWritten()
    {
        var result = CliRunner.Run("run", "--help");

        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("[default: 10s]");
        result.Out.ShouldNotContain("00:00:10");
        result.Out.ShouldContain("--kernel <in-process|kernel-thread|server>");
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public void Help_ListsTheCommandsAndTheExitCodes(string spelling)
    {
        var result = CliRunner.Run(spelling);

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain(CliApp.ExitCodes.Split('\n')[0]);
        foreach (var command in new[] { "run", "check", "disasm", "demo", "serve", "fuzz", "bench" })
        {
            result.Out.ShouldContain($"\n  {command} ");
        }
    }

    [Fact]
    public void HelpOfACommand_IsThatCommandsHelp()
    {
        var result = CliRunner.Run("help", "fuzz");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("Fuzz every kernel");
        result.Out.ShouldContain("--start-seed");
    }

    [Fact]
    public void HelpOfNoSuchCommand_IsOneLineAndBadUsage()
    {
        var result = CliRunner.Run("help", "frob");

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.TrimEnd().ShouldBe("verbring: help frob: no such command; the commands are run, check, disasm, demo, serve, fuzz, bench, help");
        result.Out.ShouldBeEmpty();
    }

    [Fact]
    public void Version_PrintsTheVersion()
    {
        var result = CliRunner.Run("--version");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldMatch(@"^\d+\.\d+\.\d+");
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private static List<string> Completions(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("completions").EnumerateArray()
            .Select(c => $"{c.GetProperty("verb").GetString()} {c.GetProperty("errno").GetString()} {c.GetProperty("result").GetUInt64()}")];
    }
}
