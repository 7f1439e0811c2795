using System.Text;
using System.Text.RegularExpressions;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Docs;

/// <summary>
/// The READMEs' C# samples (the repository's and the packages') compile as written — their own <c>using</c> lines and nothing else of ours — in a fresh
/// console project that references the library, the way a reader would paste them.
/// </summary>
public sealed partial class ReadmeSamplesTests : IDisposable
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(4);
    private readonly string _project = Directory.CreateTempSubdirectory("verbring-readme-").FullName;

    [Fact]
    public void ReadmeSamples_EachOpensWithTheUsingLinesItNeeds()
    {
        var samples = Samples();

        samples.Count.ShouldBeGreaterThanOrEqualTo(2);
        samples.ShouldAllBe(s => Directives(s).Any(), "every sample says which namespaces it needs");
    }

    [Fact]
    public void ReadmeSamples_CompileAgainstTheLibrary()
    {
        var samples = Samples();
        for (var i = 0; i < samples.Count; i++)
        {
            File.WriteAllText(Path.Combine(_project, $"Sample{i}.cs"), Wrapped(samples[i], $"Sample{i}"));
        }

        File.WriteAllText(Path.Combine(_project, "Program.cs"), "return 0;\n");
        File.WriteAllText(Path.Combine(_project, "Samples.csproj"), Project());

        var (exitCode, output) = Build();

        exitCode.ShouldBe(0, output);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>Every ```csharp block of README.md and of src/README.md (the packages' README, shown on the package page).</summary>
    private static List<string> Samples() =>
        [.. new[] { "README.md", "src/README.md" }.SelectMany(readme =>
            CSharpBlock().Matches(File.ReadAllText(Repository.PathOf(readme)).ReplaceLineEndings("\n")).Select(m => m.Groups[1].Value))];

    private static IEnumerable<string> Directives(string sample) =>
        sample.Split('\n').TakeWhile(l => l.Length == 0 || UsingDirective().IsMatch(l)).Where(l => l.Length > 0);

    /// <summary>A sample's statements as a method's body, its using directives above: each sample a file of its own.</summary>
    private static string Wrapped(string sample, string name)
    {
        var directives = Directives(sample).ToList();
        var body = sample.Split('\n').Skip(sample.Split('\n').TakeWhile(l => l.Length == 0 || UsingDirective().IsMatch(l)).Count());
        var text = new StringBuilder();
        directives.ForEach(d => text.Append(d).Append('\n'));
        text.Append($"\ninternal static class {name}\n{{\n    public static void Run()\n    {{\n");
        foreach (var line in body)
        {
            text.Append("        ").Append(line).Append('\n');
        }

        return text.Append("    }\n}\n").ToString();
    }

    /// <summary>A console project as <c>dotnet new console</c> makes it, referencing the library the tests were built with.</summary>
    private static string Project() =>
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n"
        + "    <TargetFramework>net10.0</TargetFramework>\n    <ImplicitUsings>enable</ImplicitUsings>\n    <Nullable>enable</Nullable>\n"
        + "  </PropertyGroup>\n  <ItemGroup>\n" + DotnetCommand.LibraryReferences() + "  </ItemGroup>\n</Project>\n";

    private (int ExitCode, string Output) Build() =>
        DotnetCommand.Run(_project, BuildLimit, "build", "--disable-build-servers", "-nologo", "-clp:NoSummary", "-v:q");

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using\s+[\w.]+\s*;")]
    private static partial Regex UsingDirective();
}
