namespace VerbRing.Kernel.Server;

/// <summary>Who is on the other end of a connection, as the kernel vouches for it (SO_PEERCRED, SO_PEERGROUPS).</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid, uint[] Groups);
