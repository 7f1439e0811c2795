namespace VerbRing.Tests.Snapshots;

/// <summary>The snapshot helper itself: a changed trace fails, and the failure shows a line diff.</summary>
public sealed class SnapshotHelperTests
{
    [Fact]
    public void ShouldMatchSnapshot_ChangedText_FailsWithALineDiff()
    {
        var approved = File.ReadAllText(Path.Combine(Folder(), "Approved", "examples.hello.approved.txt"));
        var changed = approved.Replace(" 21  OK", " 20  OK", StringComparison.Ordinal);
        try
        {
            var failure = Should.Throw<ShouldAssertException>(() => changed.ShouldMatchSnapshot("examples.hello"));
            failure.Message.ShouldContain("Snapshot 'examples.hello' changed:");
            failure.Message.ShouldContain("-    1  WRITE");
            failure.Message.ShouldContain("+    1  WRITE");
        }
        finally
        {
            File.Delete(Path.Combine(Folder(), "Approved", "examples.hello.received.txt"));
        }
    }

    private static string Folder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
