namespace VerbRing.Kernel.Namespaces;

/// <summary>How the host namespace has the kernel resolve a path beneath a directory descriptor.</summary>
internal enum HostResolution
{
    /// <summary>openat2 with RESOLVE_BENEATH where the kernel offers it, else the walk.</summary>
    Auto,

    /// <summary>Always the component-by-component walk (the fallback; tests hold both to one escape table).</summary>
    Walk,
}
