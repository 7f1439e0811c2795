using Shouldly;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Tracing;
using Xunit;

namespace SnapshotTests;

/// <summary>
/// Each chain's trace against its approved snapshot (approved/*.approved.txt, committed). When a chain changes on
/// purpose, the test fails and leaves a .received.txt beside the approved file: look at it, and if it is right,
/// rename it over the approved one.
/// </summary>
public sealed class ChainSnapshotTests
{
    [Fact]
    public void Copy_MatchesApprovedTrace()
    {
        var files = new MemoryNamespace();
        files.WriteFile("/input.txt", "VerbRing copies this file through user memory.\n");

        var snapshot = TraceSnapshot.Of(Chains.Copy(), new SnapshotOptions { Files = files });

        snapshot.Text.ShouldMatchApproved(c => c.SubFolder("approved"));
    }

    [Fact]
    public void Echo_MatchesApprovedTraceAndJson()
    {
        var snapshot = TraceSnapshot.Of(Chains.Echo(), file: "echo.vr");

        snapshot.Text.ShouldMatchApproved(c => c.SubFolder("approved"));
        snapshot.Json.ShouldMatchApproved(c => c.SubFolder("approved").WithDiscriminator("json"));
    }
}
