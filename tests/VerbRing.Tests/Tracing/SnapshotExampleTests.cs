using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Tracing;

/// <summary>
/// examples/SnapshotTests guards what it claims to: a copy of it, as a user would copy it, with one chain changed,
/// fails that chain's snapshot test and still passes the other's.
/// </summary>
public sealed class SnapshotExampleTests : IDisposable
{
    private static readonly TimeSpan TestLimit = TimeSpan.FromMinutes(5);
    private readonly string _copy = Directory.CreateTempSubdirectory("verbring-snapshots-").FullName;

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Fact]
    public void ExampleCopy_ChangingAChain_FailsItsSnapshotTestOnly()
    {
        var example = Repository.PathOf("examples/SnapshotTests");
        foreach (var file in Directory.GetFiles(example, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(example, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" || relative.EndsWith(".received.txt", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_copy, relative))!);
            File.Copy(file, Path.Combine(_copy, relative));
        }

        // The library as this test run built it (no second build of src/ while the suite runs), and a changed chain:
        // the copy READs into a 16-byte buffer instead of a 64-byte one.
        Replace("SnapshotTests.csproj", "    <ProjectReference Include=\"../../src/Kernel/Kernel.csproj\" />\n", DotnetCommand.LibraryReferences());
        Replace("Chains.cs", "p.Buffer(\"buf\", 64)", "p.Buffer(\"buf\", 16)");

        var (exitCode, output) = DotnetCommand.Run(_copy, TestLimit, "test", "--disable-build-servers", "-nologo");

        exitCode.ShouldNotBe(0, output);
        output.ShouldContain("Failed SnapshotTests.ChainSnapshotTests.Copy_MatchesApprovedTrace");
        output.ShouldNotContain("Failed SnapshotTests.ChainSnapshotTests.Echo_", customMessage: output);
        output.ShouldContain("Failed:     1, Passed:     1");
        File.ReadAllText(Path.Combine(_copy, "approved", "ChainSnapshotTests.Copy_MatchesApprovedTrace.received.txt")).ShouldContain("count=16");
    }

    private void Replace(string file, string old, string replacement)
    {
        var path = Path.Combine(_copy, file);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        text.ShouldContain(old);
        File.WriteAllText(path, text.Replace(old, replacement, StringComparison.Ordinal));
    }
}
