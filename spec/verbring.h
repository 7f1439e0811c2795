/*
 * verbring.h — the VerbRing ring ABI for C (C11).
 *
 * Byte-exact with PatchworkOS sys/ioring.h at 19e446b: the SQE, the CQE and the control area, the register
 * specifiers in the SQE flags, and sqe_push / cqe_pop with the same atomics in the same order. Everything a C
 * program needs to fill a VerbRing ring through memory alone: the layout of a ring region, every constant (ops,
 * flags, errno values, open flags, whence, poll events, cancel modes, load modifiers), and small helpers to
 * compose flags and user-memory addresses. spec/abi.md and spec/verbs.md say what each one means.
 *
 * With VR_TRANSPORT defined before including it (POSIX), it also connects to `verbring serve`: vr_connect asks for
 * a ring and maps it, vr_enter enters it, vr_disconnect tears it down (spec/transport.md). Without it, a C
 * program can still share a ring with the C# kernel through any mapped file (see tests/c/abi_chain.c).
 */
#ifndef VERBRING_H
#define VERBRING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- Entries --------------------------------------------------------------------------------------------- */

/* A submission queue entry, 64 bytes. */
typedef struct vr_sqe {
    uint64_t timeout; /* relative ns; 0 and UINT64_MAX mean none */
    uint64_t data;    /* cookie, echoed in the CQE, matched by CANCEL */
    uint32_t op;
    uint32_t flags;   /* register specifiers and link bits, below */
    uint64_t arg0;    /* the noun (a descriptor) */
    uint64_t arg1;    /* the payload (a buffer or path address, poll events) */
    uint64_t arg2;    /* the magnitude (a count, a path length) */
    uint64_t arg3;    /* the location (an offset) */
    uint64_t arg4;    /* auxiliary (whence) */
} vr_sqe_t;

/* A completion queue entry, 32 bytes. */
typedef struct vr_cqe {
    uint32_t op;
    int32_t error;    /* 0, or a Linux errno value */
    uint64_t data;
    uint64_t result;  /* VR_ERR when error != 0 */
    uint64_t reserved;
} vr_cqe_t;

#define VR_REGS 7

/* The control area at the start of the region, 192 bytes, padded by owner. */
typedef struct vr_ctrl {
    alignas(64) _Atomic uint32_t shead; /* kernel writes */
    _Atomic uint32_t ctail;             /* kernel writes */
    uint8_t _pad0[56];
    _Atomic uint32_t stail;             /* user writes */
    _Atomic uint32_t chead;             /* user writes */
    uint8_t _pad1[56];
    _Atomic uint64_t regs[VR_REGS];     /* r0..r6 */
    uint8_t _reserved[8];
} vr_ctrl_t;

_Static_assert(sizeof(vr_sqe_t) == 64, "SQE is 64 bytes");
_Static_assert(offsetof(vr_sqe_t, timeout) == 0, "sqe.timeout @0");
_Static_assert(offsetof(vr_sqe_t, data) == 8, "sqe.data @8");
_Static_assert(offsetof(vr_sqe_t, op) == 16, "sqe.op @16");
_Static_assert(offsetof(vr_sqe_t, flags) == 20, "sqe.flags @20");
_Static_assert(offsetof(vr_sqe_t, arg0) == 24, "sqe.arg0 @24");
_Static_assert(offsetof(vr_sqe_t, arg1) == 32, "sqe.arg1 @32");
_Static_assert(offsetof(vr_sqe_t, arg2) == 40, "sqe.arg2 @40");
_Static_assert(offsetof(vr_sqe_t, arg3) == 48, "sqe.arg3 @48");
_Static_assert(offsetof(vr_sqe_t, arg4) == 56, "sqe.arg4 @56");
_Static_assert(sizeof(vr_cqe_t) == 32, "CQE is 32 bytes");
_Static_assert(offsetof(vr_cqe_t, op) == 0, "cqe.op @0");
_Static_assert(offsetof(vr_cqe_t, error) == 4, "cqe.error @4");
_Static_assert(offsetof(vr_cqe_t, data) == 8, "cqe.data @8");
_Static_assert(offsetof(vr_cqe_t, result) == 16, "cqe.result @16");
_Static_assert(offsetof(vr_cqe_t, reserved) == 24, "cqe.reserved @24");
_Static_assert(sizeof(vr_ctrl_t) == 192, "control area is 192 bytes");
_Static_assert(offsetof(vr_ctrl_t, shead) == 0, "shead @0");
_Static_assert(offsetof(vr_ctrl_t, ctail) == 4, "ctail @4");
_Static_assert(offsetof(vr_ctrl_t, stail) == 64, "stail @64");
_Static_assert(offsetof(vr_ctrl_t, chead) == 68, "chead @68");
_Static_assert(offsetof(vr_ctrl_t, regs) == 128, "regs @128");
_Static_assert(offsetof(vr_ctrl_t, _reserved) == 184, "reserved @184");
_Static_assert(sizeof(_Atomic uint32_t) == 4 && sizeof(_Atomic uint64_t) == 8, "atomics add no size");

/* ---- Flags: six 3-bit register specifiers, then the link bits --------------------------------------------- */

#define VR_SQE_LOAD0 0u /* bit position of arg0's load specifier; argN's is 3N */
#define VR_SQE_LOAD1 3u
#define VR_SQE_LOAD2 6u
#define VR_SQE_LOAD3 9u
#define VR_SQE_LOAD4 12u
#define VR_SQE_SAVE 15u
#define VR_SQE_REG_SHIFT 3u
#define VR_SQE_REG_MASK 7u
#define VR_REG0 0u
#define VR_REG1 1u
#define VR_REG2 2u
#define VR_REG3 3u
#define VR_REG4 4u
#define VR_REG5 5u
#define VR_REG6 6u
#define VR_REG_NONE 7u
#define VR_SQE_LINK (1u << 18)
#define VR_SQE_HARDLINK (1u << 19)
#define VR_SQE_RESERVED 0xFFF00000u /* an SQE with any of these bits completes with EINVAL */
#define VR_SQE_NONE 0x3FFFFu         /* no register, no link. Careful: flags == 0 loads every arg from r0 */

/* Flags from five load specifiers, a save specifier and link bits (each specifier 0-6 or VR_REG_NONE). */
static inline uint32_t vr_flags(uint32_t l0, uint32_t l1, uint32_t l2, uint32_t l3, uint32_t l4, uint32_t save, uint32_t link)
{
    return (l0 << VR_SQE_LOAD0) | (l1 << VR_SQE_LOAD1) | (l2 << VR_SQE_LOAD2) | (l3 << VR_SQE_LOAD3)
        | (l4 << VR_SQE_LOAD4) | (save << VR_SQE_SAVE) | link;
}

/* With a load, an argument's immediate is a load modifier (VerbRing's extension; anything else is EINVAL). */
#define VR_LOAD_WHOLE 0u
#define VR_LOAD_LOW32 1u  /* a PIPE result's read fd */
#define VR_LOAD_HIGH32 2u /* a PIPE result's write fd */

/* ---- Ops and their constants ------------------------------------------------------------------------------ */

#define VR_OP_NOP 0u    /* -> 0; with a timeout, a sleep */
#define VR_OP_READ 1u   /* fd, buffer, count, offset or VR_OFF_CUR -> bytes read */
#define VR_OP_WRITE 2u  /* fd, buffer, count, offset or VR_OFF_CUR -> bytes written */
#define VR_OP_POLL 3u   /* fd, events -> ready events */
#define VR_OP_OPEN 4u   /* dirfd or VR_FD_NONE, path address, path length, open flags -> fd */
#define VR_OP_CLOSE 5u  /* fd -> 0 */
#define VR_OP_SEEK 6u   /* fd, -, -, offset (signed), whence -> position */
#define VR_OP_CANCEL 7u /* tag, VR_CANCEL_ALL or VR_CANCEL_ANY -> how many cancelled */
#define VR_OP_PIPE 8u   /* -> read fd | (write fd << 32) */
#define VR_OP_FSYNC 9u  /* fd -> 0, once what was written is durable */

#define VR_OFF_CUR UINT64_MAX
#define VR_FD_NONE UINT64_MAX
#define VR_ERR UINT64_MAX
#define VR_MAX_PATH 4096u

#define VR_OPEN_READ 1u
#define VR_OPEN_WRITE 2u
#define VR_OPEN_CREATE 4u
#define VR_OPEN_TRUNCATE 8u
#define VR_OPEN_APPEND 16u
#define VR_OPEN_EXCLUSIVE 32u

#define VR_SEEK_SET 1u
#define VR_SEEK_END 2u
#define VR_SEEK_CUR 3u

#define VR_POLL_READ 1u
#define VR_POLL_WRITE 2u
#define VR_POLL_ERROR 4u
#define VR_POLL_HUP 8u
#define VR_POLL_NVAL 16u

#define VR_CANCEL_ALL 1u
#define VR_CANCEL_ANY 2u

/* Linux errno values, as CQEs carry them. */
#define VR_OK 0
#define VR_EPERM 1
#define VR_ENOENT 2
#define VR_EIO 5
#define VR_EBADF 9
#define VR_EAGAIN 11
#define VR_ENOMEM 12
#define VR_EACCES 13
#define VR_EFAULT 14
#define VR_EBUSY 16
#define VR_EEXIST 17
#define VR_ENOTDIR 20
#define VR_EISDIR 21
#define VR_EINVAL 22
#define VR_EMFILE 24
#define VR_EFBIG 27
#define VR_ENOSPC 28
#define VR_ESPIPE 29
#define VR_EROFS 30
#define VR_EPIPE 32
#define VR_ENAMETOOLONG 36
#define VR_ENOSYS 38
#define VR_ELOOP 40
#define VR_ETIMEDOUT 110
#define VR_EDQUOT 122
#define VR_ECANCELED 125

/* ---- The region: [control][SQ][CQ], then user memory on the next page ------------------------------------- */

#define VR_PAGE 4096u
#define VR_USER_BASE 0x10000000ull /* the address of user memory's first byte, as SQEs name it */

static inline uint64_t vr_round_page(uint64_t n) { return (n + VR_PAGE - 1) & ~(uint64_t)(VR_PAGE - 1); }
static inline uint64_t vr_sq_offset(void) { return sizeof(vr_ctrl_t); }
static inline uint64_t vr_cq_offset(uint32_t sentries) { return sizeof(vr_ctrl_t) + (uint64_t)sentries * sizeof(vr_sqe_t); }
static inline uint64_t vr_user_offset(uint32_t sentries, uint32_t centries)
{
    return vr_round_page(vr_cq_offset(sentries) + (uint64_t)centries * sizeof(vr_cqe_t));
}
static inline uint64_t vr_region_size(uint32_t sentries, uint32_t centries, uint32_t user)
{
    return vr_round_page(vr_user_offset(sentries, centries) + user);
}

/* One side's private description of a ring (PatchworkOS ioring_t), taken from the sizes it agreed on. */
typedef struct vr_ring {
    vr_ctrl_t *ctrl;
    vr_sqe_t *squeue;
    uint32_t sentries, smask;
    vr_cqe_t *cqueue;
    uint32_t centries, cmask;
    uint8_t *user;
    uint32_t user_size;
} vr_ring_t;

/* Describes the ring whose region starts at `region`. Entry counts must be powers of two. */
static inline void vr_ring_init(vr_ring_t *ring, void *region, uint32_t sentries, uint32_t centries, uint32_t user)
{
    uint8_t *base = (uint8_t *)region;
    ring->ctrl = (vr_ctrl_t *)base;
    ring->squeue = (vr_sqe_t *)(base + vr_sq_offset());
    ring->sentries = sentries;
    ring->smask = sentries - 1;
    ring->cqueue = (vr_cqe_t *)(base + vr_cq_offset(sentries));
    ring->centries = centries;
    ring->cmask = centries - 1;
    ring->user = base + vr_user_offset(sentries, centries);
    ring->user_size = user;
}

/* The address an SQE uses for the byte at `p` in user memory. */
static inline uint64_t vr_user_addr(const vr_ring_t *ring, const void *p)
{
    return VR_USER_BASE + (uint64_t)((const uint8_t *)p - ring->user);
}

/* Pushes a copy of `sqe`; false when the SQ is full. (PatchworkOS sqe_push: stail relaxed, shead acquire,
 * copy in, stail + 1 release.) */
static inline bool vr_sqe_push(vr_ring_t *ring, const vr_sqe_t *sqe)
{
    uint32_t tail = atomic_load_explicit(&ring->ctrl->stail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&ring->ctrl->shead, memory_order_acquire);
    if (tail - head >= ring->sentries) {
        return false;
    }
    memcpy(&ring->squeue[tail & ring->smask], sqe, sizeof(*sqe));
    atomic_store_explicit(&ring->ctrl->stail, tail + 1, memory_order_release);
    return true;
}

/* Pops the oldest CQE into `cqe`; false when none is unread. (PatchworkOS cqe_pop: chead relaxed, ctail acquire,
 * copy out, chead + 1 release.) */
static inline bool vr_cqe_pop(vr_ring_t *ring, vr_cqe_t *cqe)
{
    uint32_t head = atomic_load_explicit(&ring->ctrl->chead, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&ring->ctrl->ctail, memory_order_acquire);
    if (head == tail) {
        return false;
    }
    memcpy(cqe, &ring->cqueue[head & ring->cmask], sizeof(*cqe));
    atomic_store_explicit(&ring->ctrl->chead, head + 1, memory_order_release);
    return true;
}

/* Registers: acquire loads and release stores, as the kernel uses them. */
static inline uint64_t vr_reg_get(const vr_ring_t *ring, unsigned r)
{
    return atomic_load_explicit(&ring->ctrl->regs[r], memory_order_acquire);
}
static inline void vr_reg_set(vr_ring_t *ring, unsigned r, uint64_t value)
{
    atomic_store_explicit(&ring->ctrl->regs[r], value, memory_order_release);
}

/* An SQE with every specifier VR_REG_NONE: set the fields you need, then the flags with vr_flags. */
static inline vr_sqe_t vr_sqe(uint32_t op, uint64_t data)
{
    vr_sqe_t sqe;
    memset(&sqe, 0, sizeof(sqe));
    sqe.op = op;
    sqe.data = data;
    sqe.flags = VR_SQE_NONE;
    return sqe;
}

/* ---- The transport to `verbring serve` (spec/transport.md) ------------------------------------------------ */
#ifdef VR_TRANSPORT
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VR_WIRE_REQUEST 0x31515256u /* "VRQ1" */
#define VR_WIRE_REPLY 0x31525256u   /* "VRR1" */
#define VR_WIRE_SETUP 1u
#define VR_WIRE_READY 2u
#define VR_WIRE_ENTER 3u
#define VR_WIRE_SETUP_VERSION 2u /* the setup reply's a: the ring's memory comes as a descriptor (SCM_RIGHTS) */

typedef struct vr_client {
    int socket;
    void *region;
    size_t region_size;
    vr_ring_t ring;
} vr_client_t;

/* Sends or receives exactly `length` bytes, retrying on EINTR and short transfers; 0 or -1. MSG_NOSIGNAL: a dead
 * server is an error (-EPIPE from vr_enter), never a SIGPIPE that kills the client. */
static inline int vr_wire_exact(int fd, void *buffer, size_t length, int receive)
{
    uint8_t *p = (uint8_t *)buffer;
    while (length > 0) {
        ssize_t n = receive ? recv(fd, p, length, 0) : send(fd, p, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Requests are five little-endian u32 (magic, kind, a, b, c), replies four (magic, errno, a, b). */
static inline int vr_wire_call(int fd, uint32_t kind, uint32_t a, uint32_t b, uint32_t c, uint32_t reply[4])
{
    uint32_t request[5] = { VR_WIRE_REQUEST, kind, a, b, c };
    if (vr_wire_exact(fd, request, sizeof(request), 0) != 0 || vr_wire_exact(fd, reply, 16, 1) != 0) {
        return -1;
    }
    return reply[0] == VR_WIRE_REPLY ? 0 : -1;
}

/* Receives the 16-byte setup reply and the descriptor that comes with it (SCM_RIGHTS, spec/transport.md); *memory
 * is -1 if none came. Descriptors past the first are closed at once. 0 or -1 (*memory then closed). */
static inline int vr_wire_receive_memory(int fd, uint32_t reply[4], int *memory)
{
    uint8_t *p = (uint8_t *)reply;
    size_t length = 16;
    *memory = -1;
    while (length > 0) {
        union {
            struct cmsghdr align;
            char bytes[CMSG_SPACE(8 * sizeof(int))];
        } control;
        struct iovec vector;
        struct msghdr message;
        memset(&message, 0, sizeof(message));
        vector.iov_base = p;
        vector.iov_len = length;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control.bytes;
        message.msg_controllen = sizeof(control.bytes);
        ssize_t n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&message) : NULL; c != NULL; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < count; i++) {
                    int received;
                    memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                    if (*memory < 0) {
                        *memory = received;
                    } else {
                        close(received);
                    }
                }
            }
        }
        if (n <= 0) {
            if (*memory >= 0) {
                close(*memory);
            }
            *memory = -1;
            return -1;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Connects to the server at `path` and sets up a ring: the server sends the ring's memory as a descriptor with its
 * reply, which is mapped and closed. Returns 0, or a negative errno value (-VR_EAGAIN: the server is full, try again
 * later; -VR_EINVAL: a shape it does not give, or more user memory than its --max-user-memory, default 16 MiB;
 * -VR_EACCES: it does not serve this user, or the socket's mode does
 * not let it connect; -VR_ENOENT: no server there; -VR_EIO: anything else, such as a server of another setup
 * version; see spec/transport.md, "Setup"); on failure nothing is left open or mapped. */
static inline int vr_connect(vr_client_t *client, const char *path, uint32_t sentries, uint32_t centries, uint32_t user)
{
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    memset(client, 0, sizeof(*client));
    client->socket = -1;
    client->region = MAP_FAILED;
    address.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(address.sun_path)) {
        return -VR_ENAMETOOLONG;
    }
    strcpy(address.sun_path, path);
    int status = -VR_EIO;
    uint32_t reply[4];
    uint32_t request[5] = { VR_WIRE_REQUEST, VR_WIRE_SETUP, sentries, centries, user };
    int fd = -1;
    client->socket = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client->socket < 0 || connect(client->socket, (struct sockaddr *)&address, sizeof(address)) != 0) {
        status = errno == EACCES ? -VR_EACCES : -VR_ENOENT;
        goto fail;
    }
    /* A send that fails may mean the server refused and closed already: its reply, read next, says why. */
    (void)vr_wire_exact(client->socket, request, sizeof(request), 0);
    if (vr_wire_receive_memory(client->socket, reply, &fd) != 0 || reply[0] != VR_WIRE_REPLY) {
        goto fail;
    }
    if (reply[1] != 0) {
        status = -(int)reply[1];
        goto fail;
    }
    if (reply[2] != VR_WIRE_SETUP_VERSION || fd < 0) {
        goto fail; /* a server of another setup version, or no memory came (this process had no descriptor free) */
    }
    client->region_size = (size_t)vr_region_size(sentries, centries, user);
    struct stat info;
    if (fstat(fd, &info) != 0 || (uint64_t)info.st_size < client->region_size) {
        goto fail;
    }
    client->region = mmap(NULL, client->region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    fd = -1;
    if (client->region == MAP_FAILED || vr_wire_call(client->socket, VR_WIRE_READY, 0, 0, 0, reply) != 0 || reply[1] != 0) {
        goto fail;
    }
    vr_ring_init(&client->ring, client->region, sentries, centries, user);
    return 0;
fail:
    if (fd >= 0) {
        close(fd);
    }
    if (client->region != MAP_FAILED) {
        munmap(client->region, client->region_size);
    }
    if (client->socket >= 0) {
        close(client->socket);
    }
    client->socket = -1;
    return status;
}

/* Consumes up to `amount` SQEs and waits for `wait` unread CQEs (up to the ring's enter timeout). Returns the number
 * consumed, or -errno (the count is lost then: vr_enter_timeout keeps it). */
static inline int64_t vr_enter(vr_client_t *client, uint32_t amount, uint32_t wait)
{
    uint32_t reply[4];
    if (vr_wire_call(client->socket, VR_WIRE_ENTER, amount, wait, 0, reply) != 0) {
        return -VR_EPIPE;
    }
    return reply[1] != 0 ? -(int64_t)(int32_t)reply[1] : (int64_t)reply[2];
}

#define VR_NO_TIMEOUT UINT64_MAX /* vr_enter_timeout: no timeout of its own (unlike an SQE's, 0 means "do not wait") */

/* The enter request's c: 0 for none, else 1 + the timeout in whole microseconds, rounded up (at most UINT32_MAX). */
static inline uint32_t vr_wire_timeout(uint64_t timeout_ns)
{
    if (timeout_ns == VR_NO_TIMEOUT) {
        return 0;
    }
    uint64_t micros = timeout_ns / 1000 + (timeout_ns % 1000 != 0);
    return micros >= UINT32_MAX - 1 ? UINT32_MAX : (uint32_t)(micros + 1);
}

/* Like vr_enter, but the wait also ends once `timeout_ns` has passed on the server's clock, or the ring's enter
 * timeout, whichever is first: -VR_ETIMEDOUT (like io_uring_wait_cqe_timeout). 0 polls: what is there now. Returns 0
 * or -errno; `*consumed` gets the SQEs consumed either way (each gets exactly one CQE). */
static inline int vr_enter_timeout(vr_client_t *client, uint32_t amount, uint32_t wait, uint64_t timeout_ns, uint32_t *consumed)
{
    uint32_t reply[4];
    *consumed = 0;
    if (vr_wire_call(client->socket, VR_WIRE_ENTER, amount, wait, vr_wire_timeout(timeout_ns), reply) != 0) {
        return -VR_EPIPE;
    }
    *consumed = reply[2];
    return -(int)(int32_t)reply[1];
}

/* Tears the ring down: the server cancels what is pending and closes the descriptors. */
static inline void vr_disconnect(vr_client_t *client)
{
    munmap(client->region, client->region_size);
    close(client->socket);
}
#endif /* VR_TRANSPORT */

#endif /* VERBRING_H */
