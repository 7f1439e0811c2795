using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace VerbRing.Kernel.Server;

/// <summary>
/// What keeps one client's ring from every other process: the server makes itself non-dumpable, so no other process
/// of its user can open its descriptors or read its memory through /proc or ptrace, and it serves only the peers
/// its options allow — by default its own user (spec/transport.md, "Who may connect").
/// </summary>
internal static partial class Isolation
{
    private const int PrGetDumpable = 3;
    private const int PrSetDumpable = 4;
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerGroups = 59;

    /// <summary>The user the server runs as (its effective uid).</summary>
    public static uint ServerUser => GetEuid();

    /// <summary>Whether this process is dumpable (/proc and ptrace open to its own user) — for tests.</summary>
    public static bool IsDumpable => Prctl(PrGetDumpable, 0, 0, 0, 0) == 1;

    /// <summary>
    /// Makes this process non-dumpable: its /proc entries (fd, mem, maps, map_files) and ptrace are then open only to
    /// privileged processes, not to other processes of its user. Throws if the kernel refuses.
    /// </summary>
    public static void MakeUndumpable()
    {
        if (Prctl(PrSetDumpable, 0, 0, 0, 0) != 0)
        {
            throw new IOException($"prctl(PR_SET_DUMPABLE, 0) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>The peer of a connected Unix socket: its pid, uid and gid at connect time, and its groups.</summary>
    public static PeerCredentials PeerOf(Socket socket)
    {
        Span<byte> credentials = stackalloc byte[12]; // struct ucred: pid, uid, gid
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        var pid = MemoryMarshal.Read<int>(credentials);
        var uid = MemoryMarshal.Read<uint>(credentials[4..]);
        var gid = MemoryMarshal.Read<uint>(credentials[8..]);
        return new PeerCredentials(pid, uid, gid, GroupsOf(socket));
    }

    /// <summary>
    /// Whether <paramref name="peer"/> may connect: the server's own user, a user of
    /// <see cref="RingServerOptions.AllowedUsers"/>, or a member (by its group or any supplementary group) of a group
    /// of <see cref="RingServerOptions.AllowedGroups"/>.
    /// </summary>
    public static bool Allows(RingServerOptions options, PeerCredentials peer) =>
        peer.Uid == ServerUser
        || options.AllowedUsers.Contains(peer.Uid)
        || options.AllowedGroups.Contains(peer.Gid)
        || peer.Groups.Any(options.AllowedGroups.Contains);

    /// <summary>The peer's supplementary groups (SO_PEERGROUPS); none if the kernel cannot say.</summary>
    private static uint[] GroupsOf(Socket socket)
    {
        foreach (var room in (ReadOnlySpan<int>)[64, 65536]) // NGROUPS_MAX is 65536: a second try always fits
        {
            var groups = new byte[room * sizeof(uint)];
            try
            {
                var length = socket.GetRawSocketOption(SolSocket, SoPeerGroups, groups);
                return MemoryMarshal.Cast<byte, uint>(groups.AsSpan(0, length)).ToArray();
            }
            catch (SocketException)
            {
                // ERANGE (more groups than room): try the largest; any other failure leaves the peer without them.
            }
        }

        return [];
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint a, nuint b, nuint c, nuint d);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
