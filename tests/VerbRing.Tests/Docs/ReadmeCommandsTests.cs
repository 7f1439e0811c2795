using System.Text.RegularExpressions;
using VerbRing.Cli;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Docs;

/// <summary>Every <c>verbring …</c> line in the README's shell blocks is one the command line accepts as written.</summary>
public sealed partial class ReadmeCommandsTests
{
    public static TheoryData<string> Commands()
    {
        var lines = ShellBlock().Matches(File.ReadAllText(Repository.PathOf("README.md")).ReplaceLineEndings("\n"))
            .SelectMany(m => m.Groups[1].Value.Split('\n'))
            .Select(l => l.Split('#')[0].Trim().TrimEnd('&').Trim())
            .Where(l => l.StartsWith("verbring ", StringComparison.Ordinal));
        return [.. lines];
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ReadmeCommand_Parses(string line)
    {
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];

        CliApp.ParseErrors(args).ShouldBeEmpty(line);
    }

    [Fact]
    public void Readme_HasCommandsToCheck() => Commands().Count.ShouldBeGreaterThan(10);

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
