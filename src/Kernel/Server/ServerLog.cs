using Microsoft.Extensions.Logging;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Server;

/// <summary>
/// What the server logs, as structured <see cref="ILogger"/> messages (event ids 1–3): a session opened, a session
/// closed, a connection refused. Logged off the hot path only — as a session begins or ends, or setup fails.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Session {Session} opened for uid {Uid}")]
    public static partial void SessionOpened(ILogger logger, int session, uint uid);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Session {Session} closed")]
    public static partial void SessionClosed(ILogger logger, int session);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Connection {Session} from uid {Uid} refused: {Errno} ({Reason})")]
    public static partial void Refused(ILogger logger, int session, uint uid, Errno errno, string reason);

    /// <summary>Why a connection in setup was refused, from the errno (and a) its reply carries.</summary>
    public static string Reason(Errno errno, uint a) => errno switch
    {
        Errno.EACCES => "a user the server does not serve",
        Errno.EAGAIN when a > 0 => $"{a} rings already (--max-clients)",
        Errno.EAGAIN => "too many connections in setup; the oldest made room",
        Errno.ETIMEDOUT => "setup took too long",
        Errno.ENOMEM => "making the ring failed",
        Errno.EINVAL when a > 0 => $"asked for more than {a} bytes of user memory",
        _ => "not a setup the server gives",
    };
}
