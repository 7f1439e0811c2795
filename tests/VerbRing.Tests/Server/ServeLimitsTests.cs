using System.Diagnostics;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Server;

/// <summary>
/// <c>verbring serve --max-user-memory</c>: a client asking for more user memory is refused, and
/// <c>run --connect</c> says which limit in one line; a value serve cannot take is one line too.
/// </summary>
public sealed class ServeLimitsTests : IDisposable
{
    private static readonly string Hello = Repository.PathOf("examples/hello.vr");
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-serve-limits-").FullName;

    [Fact]
    public void Serve_WithMaxUserMemory_RefusesABiggerRing_AndRunConnectNamesTheLimit()
    {
        var socket = Path.Combine(_folder, "u.sock");
        using var server = CliRunner.Start("serve", "--socket", socket, "--max-user-memory", "1M");
        try
        {
            server.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {socket}");

            var refused = CliRunner.Run("run", Hello, "--connect", socket, "--memory", "2097152");
            var served = CliRunner.Run("run", Hello, "--connect", socket, "--memory", "1048576");

            refused.ExitCode.ShouldBe(1);
            refused.Error.ShouldBe($"verbring: --connect {socket}: The server gives a ring at most 1048576 bytes of user memory, and this one asked for 2097152 (EINVAL): ask for less, or start the server with a larger --max-user-memory.\n");
            served.ExitCode.ShouldBe(0, served.Error);
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            server.WaitForExit();
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1G")]
    [InlineData("lots")]
    [InlineData("")]
    public void Serve_MaxUserMemoryItCannotGive_IsOneLine(string value)
    {
        var result = CliRunner.Run("serve", "--socket", Path.Combine(_folder, "z.sock"), "--max-user-memory", value);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldStartWith("verbring: --max-user-memory ");
        result.Error.TrimEnd('\n').ShouldNotContain('\n');
        File.Exists(Path.Combine(_folder, "z.sock")).ShouldBeFalse("it never started serving");
    }

    [Fact]
    public void ServeHelp_ShowsTheUserMemoryDefault()
    {
        var result = CliRunner.Run("serve", "--help");

        result.Out.ShouldContain("--max-user-memory <bytes>");
        result.Out.ShouldContain("[default: 16M]");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
