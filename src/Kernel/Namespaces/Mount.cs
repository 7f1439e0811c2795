namespace VerbRing.Kernel.Namespaces;

/// <summary>One namespace attached at an absolute, canonical path ("/", "/data") of a mount table.</summary>
public sealed record Mount(string Path, INamespace Namespace, MountAccess Access = MountAccess.ReadWrite);
