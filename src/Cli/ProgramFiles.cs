using VerbRing.Kernel;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary>Reads, assembles and checks a program file, printing every diagnostic as file:line:column.</summary>
internal static class ProgramFiles
{
    /// <summary>The linked program, or null after printing why not (then exit with <see cref="CliApp.BadProgram"/>).</summary>
    public static LinkedProgram? Load(FileInfo file, RingShape shape, CliConsole console)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"{file.Name}: error: cannot read the program: {e.Message}");
            return null;
        }

        var name = DisplayName(file);
        var model = Assembler.Assemble(text, name, out var diagnostics);
        if (!diagnostics.Any(d => d.Severity == Severity.Error))
        {
            diagnostics.AddRange(Verifier.Check(model, shape));
        }

        foreach (var diagnostic in diagnostics)
        {
            console.Error.WriteLine(diagnostic);
        }

        return diagnostics.Any(d => d.Severity == Severity.Error) ? null : ProgramLinker.Link(model, shape);
    }

    /// <summary>Copies a host folder's regular files into the in-memory namespace (links are skipped).</summary>
    public static bool TrySeed(MemoryNamespace files, DirectoryInfo? seed, CliConsole console)
    {
        if (seed is null)
        {
            return true;
        }

        if (!seed.Exists)
        {
            console.Error.WriteLine($"verbring: --seed {seed}: no such folder");
            return false;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var path in Directory.EnumerateFiles(seed.FullName, "*", options))
        {
            var relative = Path.GetRelativePath(seed.FullName, path).Replace(Path.DirectorySeparatorChar, '/');
            var info = new FileInfo(path);
            if (info.Length > MemoryNamespace.DefaultMaxFileSize)
            {
                console.Error.WriteLine($"verbring: --seed: {relative} is larger than the in-memory namespace's {MemoryNamespace.DefaultMaxFileSize} bytes");
                return false;
            }

            files.WriteFile("/" + relative, System.IO.File.ReadAllBytes(path));
        }

        return true;
    }

    private static string DisplayName(FileInfo file)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file.FullName);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file.Name : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
