namespace VerbRing.Tests.Infrastructure;

/// <summary>Finds files of the repository (examples, snapshot programs, spec) from the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VerbRing.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("VerbRing.sln not found above the test folder.");
    }
}
