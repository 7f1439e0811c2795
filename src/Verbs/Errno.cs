namespace VerbRing.Verbs;

/// <summary>The Linux errno values a CQE's error field carries (0 is success).</summary>
public enum Errno
{
    /// <summary>Success.</summary>
    OK = 0,

    /// <summary>Operation not permitted.</summary>
    EPERM = 1,

    /// <summary>No such file or directory.</summary>
    ENOENT = 2,

    /// <summary>I/O error: the verb itself failed inside the kernel (a bug of a custom verb).</summary>
    EIO = 5,

    /// <summary>Bad file descriptor (unknown, closed, or not open for this direction).</summary>
    EBADF = 9,

    /// <summary>Try again (in-flight limit reached).</summary>
    EAGAIN = 11,

    /// <summary>Out of memory.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied.</summary>
    EACCES = 13,

    /// <summary>Bad address: a buffer or path outside user memory.</summary>
    EFAULT = 14,

    /// <summary>Busy: an enter is already running, or completions wait for CQ space.</summary>
    EBUSY = 16,

    /// <summary>The file exists (CREATE|EXCLUSIVE).</summary>
    EEXIST = 17,

    /// <summary>A path component is not a directory.</summary>
    ENOTDIR = 20,

    /// <summary>A directory where a file was needed.</summary>
    EISDIR = 21,

    /// <summary>Invalid argument.</summary>
    EINVAL = 22,

    /// <summary>The ring's descriptor table is full.</summary>
    EMFILE = 24,

    /// <summary>A file would grow past the namespace's size limit.</summary>
    EFBIG = 27,

    /// <summary>No space left.</summary>
    ENOSPC = 28,

    /// <summary>Illegal seek.</summary>
    ESPIPE = 29,

    /// <summary>A read-only file system (a host folder mounted read-only by the host itself).</summary>
    EROFS = 30,

    /// <summary>Broken pipe.</summary>
    EPIPE = 32,

    /// <summary>A path or a component is too long.</summary>
    ENAMETOOLONG = 36,

    /// <summary>Function not implemented.</summary>
    ENOSYS = 38,

    /// <summary>Too many links followed while resolving a path (a loop of links); a LOOP that reached its bound.</summary>
    ELOOP = 40,

    /// <summary>A value does not fit: ADD's sum past 2⁶⁴ − 2.</summary>
    EOVERFLOW = 75,

    /// <summary>Timer expired.</summary>
    ETIMEDOUT = 110,

    /// <summary>The host's disk quota is exhausted.</summary>
    EDQUOT = 122,

    /// <summary>Cancelled (a LINK predecessor failed, or CANCEL).</summary>
    ECANCELED = 125,
}
