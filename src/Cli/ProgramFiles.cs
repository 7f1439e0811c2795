using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary>Reads (bounded, see <see cref="ProgramSource"/>), assembles and checks a program, printing every diagnostic as file:line:column.</summary>
internal static class ProgramFiles
{
    /// <summary>
    /// The linked program named by the command's <c>file</c> argument (<c>-</c>: standard input), read up to
    /// <c>--max-program-bytes</c>, or null after printing why not (then exit with <see cref="CliApp.BadProgram"/>).
    /// </summary>
    public static LinkedProgram? Load(CommonOptions options, ParseResult result, RingCapacity capacity, CliConsole console)
    {
        var path = result.GetValue(options.File)!;
        var text = ProgramSource.Read(path, result.GetValue(options.MaxProgramBytes), out var error);
        if (text is not { } bytes)
        {
            console.Error.WriteLine($"{(path == ProgramSource.StandardInput ? DisplayName(path) : path)}: error: {error}");
            return null;
        }

        var model = Assembler.Assemble(bytes.Span, DisplayName(path), out var diagnostics);
        LinkedProgram? program = null;
        if (!diagnostics.Any(d => d.Severity == Severity.Error))
        {
            program = LinkedProgram.TryLink(model, capacity, out var found);
            diagnostics.AddRange(found);
        }

        foreach (var diagnostic in diagnostics)
        {
            console.Error.WriteLine(diagnostic);
        }

        return program;
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

    private static string DisplayName(string path)
    {
        if (path == ProgramSource.StandardInput)
        {
            return "<stdin>";
        }

        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(full) : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
