using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Snapshots;

/// <summary>
/// Runs each example and each program of <c>Snapshots/Programs</c> through the CLI exactly as a user would, and
/// compares the whole transcript (exit code, trace, registers, diagnostics) with its approved snapshot.
/// Examples run with the command their own "# Run:" line documents; programs take extra arguments from a
/// first line <c>#! ARGS</c>.
/// </summary>
public sealed class TraceSnapshotTests
{
    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repository.PathOf("examples"), "*.vr").Order(StringComparer.Ordinal))
        {
            data.Add("examples/" + Path.GetFileName(file));
        }

        foreach (var file in Directory.GetFiles(Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs"), "*.vr").Order(StringComparer.Ordinal))
        {
            data.Add("programs/" + Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Run_Program_MatchesApprovedTrace(string program)
    {
        var (path, extra) = Locate(program);
        var args = new List<string> { "run", Repository.PathOf(path) };
        args.AddRange(extra.Select(DocumentedRun.ToHostPath));

        var result = CliRunner.Run([.. args]);

        result.Error.ShouldNotContain("   at ", customMessage: "no stack trace reaches the user");
        result.Transcript(string.Join(" ", ["run", path, .. extra])).ShouldMatchSnapshot(program.Replace('/', '.').Replace(".vr", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Disasm_Hello_MatchesApproved()
    {
        var result = CliRunner.Run("disasm", Repository.PathOf("examples/hello.vr"));
        result.ExitCode.ShouldBe(0);
        result.Transcript("disasm examples/hello.vr").ShouldMatchSnapshot("disasm.hello");
    }

    private static (string Path, string[] Extra) Locate(string program)
    {
        var path = program.StartsWith("examples/", StringComparison.Ordinal) ? program : "tests/VerbRing.Tests/Snapshots/Programs/" + program["programs/".Length..];
        return (path, DocumentedRun.Options(path));
    }
}
