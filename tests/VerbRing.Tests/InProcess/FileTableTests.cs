using VerbRing.Kernel;
using VerbRing.Kernel.Files;

namespace VerbRing.Tests.InProcess;

/// <summary>The descriptor table's own guard: a table of no descriptors is a setup error, not a ring that can open nothing.</summary>
public sealed class FileTableTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_LimitBelowOne_Throws(int limit) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new FileTable(limit));

    [Fact]
    public void Constructor_LimitOne_HoldsOneDescriptor()
    {
        var table = new FileTable(1);
        table.Limit.ShouldBe(1);
        table.FreeCount.ShouldBe(1);
    }
}
