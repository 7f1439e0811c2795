namespace VerbRing.Benchmarks;

/// <summary>A fresh folder on tmpfs (/dev/shm, else the temp folder) for benchmarks that work on host files.</summary>
internal static class TmpfsFolder
{
    /// <summary>Creates a folder named <paramref name="prefix"/>-PID-GUID and returns its full path.</summary>
    public static string Create(string prefix)
    {
        var shm = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(shm, $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
    }
}
