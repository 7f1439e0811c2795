namespace VerbRing.Kernel.Namespaces;

/// <summary>How a ring may reach a mount, from most to least open: a ring's policy can only move it down.</summary>
public enum MountAccess
{
    /// <summary>Open for reading and writing (as the mounted namespace itself allows).</summary>
    ReadWrite,

    /// <summary>Opens that write, create, truncate or append are refused with EACCES.</summary>
    ReadOnly,

    /// <summary>Every open of a path inside it is refused with EACCES.</summary>
    Hidden,
}
