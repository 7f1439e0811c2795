using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// The host's errno, as a CQE carries it: the same value where VerbRing knows it (ENOSPC, EDQUOT, EROFS, ELOOP…),
/// ENFILE folded into EMFILE (the ring cannot tell the two apart and reacts the same), an escape the kernel refused
/// (EXDEV from RESOLVE_BENEATH) as EACCES, a special file's refusal (ENXIO, ENODEV, ETXTBSY) as EACCES, and
/// anything else as EIO. Listed in spec/namespaces.md ("Errors").
/// </summary>
internal static class HostErrno
{
    public static Errno From(int errno) => errno switch
    {
        1 => Errno.EPERM,
        2 => Errno.ENOENT,
        9 => Errno.EBADF,
        11 => Errno.EAGAIN,
        12 => Errno.ENOMEM,
        13 => Errno.EACCES,
        16 => Errno.EBUSY,
        17 => Errno.EEXIST,
        6 or 18 or 19 or 26 => Errno.EACCES, // ENXIO (a FIFO with no reader), EXDEV (out of the root), ENODEV, ETXTBSY
        20 => Errno.ENOTDIR,
        21 => Errno.EISDIR,
        22 => Errno.EINVAL,
        23 or 24 => Errno.EMFILE, // ENFILE (the system's table) or EMFILE (the process's)
        27 or 75 => Errno.EFBIG, // EFBIG, or EOVERFLOW (a size past what the call can express)
        28 => Errno.ENOSPC,
        29 => Errno.ESPIPE,
        30 => Errno.EROFS,
        36 => Errno.ENAMETOOLONG,
        40 => Errno.ELOOP,
        122 => Errno.EDQUOT,
        _ => Errno.EIO,
    };
}
