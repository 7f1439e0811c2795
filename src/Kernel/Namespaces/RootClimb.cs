namespace VerbRing.Kernel.Namespaces;

/// <summary>How a namespace answers a ".." at its root.</summary>
public enum RootClimb
{
    /// <summary>".." at "/" stays at "/", as in PatchworkOS and POSIX (the in-memory namespace).</summary>
    Clamp,

    /// <summary>".." at "/" is an attempt to leave the namespace, refused with EACCES (a host folder).</summary>
    Refuse,
}
