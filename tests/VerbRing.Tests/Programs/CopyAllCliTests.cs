using System.Text.Json;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>
/// <c>examples/copy-all.vr</c> through the CLI on a host folder (issue 19): whatever the size of DIR/in.bin, one
/// enter copies it byte for byte to DIR/out.bin, and <c>run --json</c> says so in <c>"enters"</c>.
/// </summary>
public sealed class CopyAllCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-copy-all-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData((1024 * 1024) + 3)]
    public void Run_CopyAllOnAHostFolder_CopiesEveryByteInOneEnter(int size)
    {
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(Path.Combine(_folder, "in.bin"), content);
        File.WriteAllBytes(Path.Combine(_folder, "out.bin"), [1, 2, 3, 4, 5, 6, 7, 8, 9]); // truncated by the copy

        var result = CliRunner.Run("run", Repository.PathOf("examples/copy-all.vr"), "--fs", _folder, "--json");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("enters").GetInt32().ShouldBe(1);
        json.RootElement.GetProperty("missing").GetArrayLength().ShouldBe(0);
        var loop = json.RootElement.GetProperty("completions").EnumerateArray().Single(c => c.GetProperty("verb").GetString() == "LOOP");
        loop.GetProperty("errno").GetString().ShouldBe("OK");
        loop.GetProperty("result").GetUInt64().ShouldBe((ulong)((size + 32767) / 32768) + 1, "a block per iteration, then the READ that returned 0");
        File.ReadAllBytes(Path.Combine(_folder, "out.bin")).ShouldBe(content);
    }

    [Fact]
    public void Run_ChainOfSingleSteps_ReportsAnEnterPerBatch()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("enters").GetInt32().ShouldBe(1, "one chain that never waits: one enter");
    }
}
