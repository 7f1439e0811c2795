using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Verbs.Client;

/// <summary>
/// A descriptor carried over a Unix socket with the bytes of a message (SCM_RIGHTS): the server sends a client its
/// ring's memory with the setup reply, the client takes it with the reply. libc's sendmsg and recvmsg through
/// P/Invoke, laid out for Linux at any word size; the sockets stay blocking, as everywhere in the server.
/// </summary>
// Design: the descriptor rides on the first byte of the message. The receiver reads the message's bytes with
// recvmsg until it has them all and keeps the first descriptor that came with any of them; anything else that came
// (a hostile or confused peer may send several) is closed at once, so nothing leaks into the receiving process.
internal static unsafe partial class DescriptorPassing
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCTrunc = 0x8;
    private const int MsgNoSignal = 0x4000;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int EIntr = 4;
    private const int MaxReceived = 8; // descriptors one recvmsg takes in; more are cut off (MSG_CTRUNC) and closed

    /// <summary>
    /// Sends <paramref name="bytes"/> with <paramref name="descriptor"/> attached; returns 0 or the errno of sendmsg
    /// (a client gone — the caller's next step notices).
    /// </summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> bytes, SafeFileHandle descriptor)
    {
        var control = stackalloc byte[Space(sizeof(int))];
        new Span<byte>(control, Space(sizeof(int))).Clear();
        var header = (CMsgHdr*)control; // Unsafe: the header lies at the start of the zeroed, word-aligned buffer
        header->Length = (nuint)(HeaderSize + sizeof(int));
        header->Level = SolSocket;
        header->Type = ScmRights;
        var added = false;
        descriptor.DangerousAddRef(ref added); // the number stays this descriptor's until the call returns
        try
        {
            *(int*)(control + HeaderSize) = (int)descriptor.DangerousGetHandle(); // Unsafe: the data follows the header
            fixed (byte* data = bytes)
            {
                var vector = new IoVec { Base = data, Length = (nuint)bytes.Length };
                var message = new MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = (nuint)Space(sizeof(int)) };
                nint sent;
                while ((sent = SendMsg((int)socket.Handle, &message, MsgNoSignal)) < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != EIntr)
                    {
                        return errno;
                    }
                }

                if (sent < bytes.Length)
                {
                    socket.Send(bytes[(int)sent..]); // the descriptor went with the first byte; the rest goes plainly
                }

                return 0;
            }
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from the socket and takes the descriptor that came with those bytes (null if
    /// none did). False when the peer closed first. <paramref name="cutOff"/>: the kernel dropped descriptors sent
    /// along (this process had no room for them, or the peer sent too many).
    /// </summary>
    public static bool Receive(Socket socket, Span<byte> buffer, out SafeFileHandle? descriptor, out bool cutOff)
    {
        descriptor = null;
        cutOff = false;
        var size = Space(sizeof(int) * MaxReceived);
        var control = stackalloc byte[size];
        try
        {
            while (!buffer.IsEmpty)
            {
                new Span<byte>(control, size).Clear();
                nint read;
                fixed (byte* data = buffer)
                {
                    var vector = new IoVec { Base = data, Length = (nuint)buffer.Length };
                    var message = new MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = (nuint)size };
                    read = RecvMsg((int)socket.Handle, &message, MsgCmsgCloexec);
                    if (read < 0 && Marshal.GetLastPInvokeError() is var errno && errno != EIntr)
                    {
                        throw new SocketException(errno);
                    }

                    cutOff |= (message.Flags & MsgCTrunc) != 0;
                    Take(control, message.ControlLength, ref descriptor);
                }

                if (read == 0)
                {
                    return false;
                }

                buffer = buffer[(int)Math.Max(read, 0)..];
            }

            return true;
        }
        catch
        {
            descriptor?.Dispose();
            descriptor = null;
            throw;
        }
    }

    /// <summary>Keeps the first descriptor of the control messages received, closes every other.</summary>
    private static void Take(byte* control, nuint length, ref SafeFileHandle? descriptor)
    {
        // Unsafe: walks the control messages the kernel wrote, within the length it reported (CMSG_NXTHDR).
        for (nuint offset = 0; offset + (nuint)HeaderSize <= length;)
        {
            var header = (CMsgHdr*)(control + offset);
            if (header->Length < (nuint)HeaderSize || offset + header->Length > length)
            {
                return;
            }

            if (header->Level == SolSocket && header->Type == ScmRights)
            {
                var count = (int)(header->Length - (nuint)HeaderSize) / sizeof(int);
                for (var i = 0; i < count; i++)
                {
                    var fd = ((int*)(control + offset + (nuint)HeaderSize))[i]; // Unsafe: within this message's data
                    var handle = new SafeFileHandle(fd, ownsHandle: true);
                    if (descriptor is null)
                    {
                        descriptor = handle;
                    }
                    else
                    {
                        handle.Dispose();
                    }
                }
            }

            offset += (nuint)Align((int)header->Length);
        }
    }

    /// <summary>CMSG_ALIGN: control messages are aligned to the size of a word.</summary>
    private static int Align(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    /// <summary>CMSG_SPACE: a control message header and <paramref name="length"/> bytes of data, aligned.</summary>
    private static int Space(int length) => HeaderSize + Align(length);

    /// <summary>CMSG_LEN without the data: the aligned size of struct cmsghdr.</summary>
    private static int HeaderSize => Align(sizeof(CMsgHdr));

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int socket, MsgHdr* message, int flags);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (glibc; musl's padded fields lie at the same offsets on little-endian machines).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr: the data follows, word-aligned.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CMsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
}
