using System.Reflection;
using PublicApiGenerator;
using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tooling;
using VerbRing.Verbs;

namespace VerbRing.Tests.PublicApi;

/// <summary>
/// Pins each library assembly's public API: PublicApiGenerator renders it as C# text and Shouldly compares it with
/// <c>PublicApi/Approved/ASSEMBLY.approved.txt</c>, so any change to the surface is a visible diff in review. After an
/// intended change, regenerate the files with
/// <c>VERBRING_APPROVE_API=1 dotnet test tests/VerbRing.Tests --filter FullyQualifiedName~PublicApiTests</c>
/// (it overwrites the approved files; review and commit the diff). A mismatch leaves a git-ignored
/// <c>*.received.txt</c> beside the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApi_OfEachLibrary_MatchesTheApprovedFile(string name)
    {
        var api = ApiOf(Libraries[name]);
        if (Environment.GetEnvironmentVariable("VERBRING_APPROVE_API") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(ApprovedPath(name))!);
            File.WriteAllText(ApprovedPath(name), api);
        }

        api.ShouldMatchApproved(c => c
            .SubFolder("Approved")
            .WithDiscriminator(name)
            .WithFilenameGenerator((_, discriminator, type, extension) => $"{discriminator?.TrimStart('.')}.{type}.{extension}")
            .NoDiff());
    }

    public static TheoryData<string> Assemblies() => [.. Libraries.Keys];

    private static readonly Dictionary<string, Assembly> Libraries = new[]
    {
        typeof(Sqe).Assembly, typeof(IoRing).Assembly, typeof(RingFactory).Assembly, typeof(ServerProcess).Assembly,
    }.ToDictionary(a => a.GetName().Name!);

    private static string ApiOf(Assembly assembly) =>
        assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");

    private static string ApprovedPath(string name, [System.Runtime.CompilerServices.CallerFilePath] string caller = "") =>
        Path.Combine(Path.GetDirectoryName(caller)!, "Approved", $"{name}.approved.txt");
}
