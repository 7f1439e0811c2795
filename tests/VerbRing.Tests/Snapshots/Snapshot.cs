using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Shouldly.Configuration;

namespace VerbRing.Tests.Snapshots;

/// <summary>
/// The one place that decides where snapshots live (<c>Snapshots/Approved/NAME.approved.txt</c>) and how a
/// mismatch reads: a line diff of approved against received, then Shouldly's own message with the approval path.
/// </summary>
public static class Snapshot
{
    public static void ShouldMatchSnapshot(this string received, string name, [CallerFilePath] string caller = "")
    {
        ArgumentNullException.ThrowIfNull(received);
        var approved = Path.Combine(Path.GetDirectoryName(caller)!, "Approved", $"{name}.approved.txt");
        try
        {
            received.ShouldMatchApproved(c => c
                .SubFolder("Approved")
                .WithDiscriminator(name)
                .WithFilenameGenerator((_, discriminator, type, extension) => $"{discriminator?.TrimStart('.')}.{type}.{extension}")
                .NoDiff());
        }
        catch (ShouldMatchApprovedException e)
        {
            throw new ShouldAssertException($"Snapshot '{name}' changed:{Environment.NewLine}{Diff(approved, received)}{Environment.NewLine}{e.Message}", e);
        }
    }

    private static string Diff(string approvedPath, string received)
    {
        if (!File.Exists(approvedPath))
        {
            return "(no approved snapshot yet)";
        }

        var model = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(File.ReadAllText(approvedPath).ReplaceLineEndings("\n"), received.ReplaceLineEndings("\n"));
        var text = new StringBuilder();
        foreach (var line in model.Lines)
        {
            var mark = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            text.Append(mark).AppendLine(line.Text);
        }

        return text.ToString();
    }
}
