/*
 * verbring.h — the VerbRing ring ABI for C (C11).
 *
 * Byte-exact with PatchworkOS sys/ioring.h at 19e446b: the SQE, the CQE and the control area, the register
 * specifiers in the SQE flags, and sqe_push / cqe_pop with the same atomics in the same order. Everything a C
 * program needs to fill a VerbRing ring through memory alone: the layout of a ring region, every constant (ops,
 * flags, errno values, open flags, whence, poll events, cancel modes, load modifiers), and small helpers to
 * compose flags and user-memory addresses. spec/abi.md and spec/verbs.md say what each one means.
 *
 * With VR_TRANSPORT defined before including it (Linux), it is also a client of `verbring serve`: vr_connect asks
 * for a ring, receives its memory (SCM_RIGHTS) and maps it with the doorbell page; vr_enter / vr_enter_timeout
 * enter it over the doorbell — spin while spinning pays (vr_spin_t, a port of the C# SpinBudget), then a shared
 * futex — or, with vr_connect_with(..., VR_ENTER_SOCKET), by a request on the socket; vr_disconnect tears it down
 * (spec/transport.md; examples/c/chain.c). Without it, a C program can still share a ring with the C# kernel
 * through any mapped file (see tests/c/abi_chain.c).
 */
#ifndef VERBRING_H
#define VERBRING_H

#define VR_HEADER_VERSION 2 /* 2: vr_enter(client, amount, wait, &consumed) returns 0 or -errno; the doorbell */

/* The transport needs POSIX and Linux extensions (SOCK_CLOEXEC, MSG_CMSG_CLOEXEC, sched_getcpu, syscall): with
 * VR_TRANSPORT the header defines _GNU_SOURCE itself, which works only before the first system header — so include
 * verbring.h first, or define _GNU_SOURCE yourself (an #error says so otherwise). */
#if defined(VR_TRANSPORT) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif

/* The ABI is C11 (_Atomic, alignas, _Static_assert). Under -std=c99 gcc and clang give the same as extensions;
 * this keeps -pedantic from flagging the header's own use of them (the including file is checked as usual). */
#if defined(__GNUC__) && (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#pragma GCC system_header
#endif

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
#define VR_SQE_SKIP_SUCCESS (1u << 20) /* VerbRing's extension: a success posts no CQE (a failure still does) */
#define VR_SQE_DRAIN (1u << 21)        /* VerbRing's extension: the chain it heads waits for every earlier SQE */
#define VR_SQE_RESERVED 0xFFC00000u /* an SQE with any of these bits completes with EINVAL */
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
#define VR_OP_LOOP 10u  /* VerbRing's extension: left, compare, right, bound, body -> iterations run */
#define VR_OP_ADD 11u   /* VerbRing's extension: a, b -> a + b */

/* LOOP: compare (arg1), and the limits the kernel enforces on bound (arg3) and body (arg4). */
#define VR_LOOP_EQ 1u
#define VR_LOOP_NE 2u
#define VR_LOOP_LT 3u
#define VR_LOOP_LE 4u
#define VR_LOOP_GT 5u
#define VR_LOOP_GE 6u
#define VR_LOOP_MAX_ITERATIONS 65536u
#define VR_LOOP_MAX_BODY 16u

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
#define VR_ELOOP 40     /* OPEN: too many links; LOOP: its bound reached */
#define VR_EOVERFLOW 75 /* ADD: the sum past 2^64 - 2 */
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

/* ---- The doorbell page (spec/transport.md, "The doorbell page") ------------------------------------------- */

/* The page that follows a served ring's region in the same memory, at offset vr_region_size(...): one cache line
 * the client writes, one the server writes, the rest reserved. Every field is a little-endian 32-bit word. */
#define VR_BELL_SIZE 4096u
#define VR_BELL_REQUEST 0u         /* client: the latest request's sequence (the server sleeps on it) */
#define VR_BELL_AMOUNT 4u          /* client: the request's amount */
#define VR_BELL_WAIT 8u            /* client: the request's wait */
#define VR_BELL_USER_SLEEPING 12u  /* client: non-zero while it sleeps (or is about to) on reply */
#define VR_BELL_USER_CPU 16u       /* client: the CPU it rang from (a hint) */
#define VR_BELL_TIMEOUT 20u        /* client: the timeout, as the socket enter's c (0 none, else 1 + µs) */
#define VR_BELL_REPLY 64u          /* server: the latest answered request's sequence (the client sleeps on it) */
#define VR_BELL_CONSUMED 68u       /* server: SQEs the answered enter consumed */
#define VR_BELL_ERRNO 72u          /* server: its errno (i32, 0 = OK) */
#define VR_BELL_KERNEL_SLEEPING 76u /* server: non-zero while it sleeps (or is about to) on request */
#define VR_BELL_KERNEL_CPU 80u     /* server: the CPU it answered from (a hint) */

typedef struct vr_bell {
    _Atomic uint32_t request;
    _Atomic uint32_t amount;
    _Atomic uint32_t wait;
    _Atomic uint32_t user_sleeping;
    _Atomic uint32_t user_cpu;
    _Atomic uint32_t timeout;
    uint8_t _pad0[40];
    _Atomic uint32_t reply;
    _Atomic uint32_t consumed;
    _Atomic int32_t error;
    _Atomic uint32_t kernel_sleeping;
    _Atomic uint32_t kernel_cpu;
    uint8_t _pad1[44];
} vr_bell_t;

_Static_assert(sizeof(vr_bell_t) == 128, "the doorbell's two lines are 128 bytes");
_Static_assert(offsetof(vr_bell_t, request) == VR_BELL_REQUEST, "bell.request @0");
_Static_assert(offsetof(vr_bell_t, amount) == VR_BELL_AMOUNT, "bell.amount @4");
_Static_assert(offsetof(vr_bell_t, wait) == VR_BELL_WAIT, "bell.wait @8");
_Static_assert(offsetof(vr_bell_t, user_sleeping) == VR_BELL_USER_SLEEPING, "bell.user_sleeping @12");
_Static_assert(offsetof(vr_bell_t, user_cpu) == VR_BELL_USER_CPU, "bell.user_cpu @16");
_Static_assert(offsetof(vr_bell_t, timeout) == VR_BELL_TIMEOUT, "bell.timeout @20");
_Static_assert(offsetof(vr_bell_t, reply) == VR_BELL_REPLY, "bell.reply @64");
_Static_assert(offsetof(vr_bell_t, consumed) == VR_BELL_CONSUMED, "bell.consumed @68");
_Static_assert(offsetof(vr_bell_t, error) == VR_BELL_ERRNO, "bell.error @72");
_Static_assert(offsetof(vr_bell_t, kernel_sleeping) == VR_BELL_KERNEL_SLEEPING, "bell.kernel_sleeping @76");
_Static_assert(offsetof(vr_bell_t, kernel_cpu) == VR_BELL_KERNEL_CPU, "bell.kernel_cpu @80");

/* ---- When to spin: a port of the C# client's SpinBudget (src/Verbs/Client/SpinBudget.cs), the side that asks ---- */

/* Mirrors SpinBudget.Leader's rules (spec/transport.md, "When to spin"), minus the process-wide hint the C#
 * handoffs share: a catch after t fits the budget to 2t (5-100 µs), a spin that ran out halves it; two lost CPUs
 * (two looks > 500 µs apart) within 128 catches, or three misses in a row, turn spinning off; off, every probe-th
 * wait spins the full 100 µs, the interval starting at 8, doubling on each turn-off and failed probe up to 4096,
 * halving after 4096 catches in a row. Pure arithmetic on outcomes; vr_spin_wait (VR_TRANSPORT) does the looking. */
#define VR_SPIN_MAX_NS 100000u
#define VR_SPIN_MIN_NS 5000u
#define VR_SPIN_PREEMPTED_NS 500000u
#define VR_SPIN_LOST_CPU_CATCHES 128u
#define VR_SPIN_MISSES_TO_SLEEP 3u
#define VR_SPIN_PROBE_EVERY 8u
#define VR_SPIN_MAX_PROBE_EVERY 4096u
#define VR_SPIN_SUSTAINED_CATCHES 4096u

typedef struct vr_spin {
    uint64_t budget_ns;   /* the fitted budget; 0 until a spin caught an answer */
    uint32_t waits, misses, catches, debt, probe_every;
    bool asleep, probing;
} vr_spin_t;

static inline uint32_t vr_spin_interval(const vr_spin_t *s) { return s->probe_every == 0 ? VR_SPIN_PROBE_EVERY : s->probe_every; }

static inline void vr_spin_backoff(vr_spin_t *s)
{
    uint32_t next = 2 * vr_spin_interval(s);
    s->probe_every = next < VR_SPIN_MAX_PROBE_EVERY ? next : VR_SPIN_MAX_PROBE_EVERY;
}

/* Turns spinning off: back on, the first lost CPU within VR_SPIN_LOST_CPU_CATCHES catches turns it off again. */
static inline void vr_spin_sleep(vr_spin_t *s)
{
    s->asleep = true;
    s->misses = 0;
    s->debt = VR_SPIN_LOST_CPU_CATCHES;
    vr_spin_backoff(s);
}

/* Counts a wait and says how long it may spin, in ns (0: sleep at once). */
static inline uint64_t vr_spin_next(vr_spin_t *s)
{
    s->probing = ++s->waits >= vr_spin_interval(s);
    if (s->probing) {
        s->waits = 0;
    }
    if (!s->probing && s->asleep) {
        return 0;
    }
    return s->probing || s->budget_ns == 0 ? VR_SPIN_MAX_NS : s->budget_ns;
}

/* A spin caught the answer after `took` ns: spinning pays and is on. */
static inline void vr_spin_caught(vr_spin_t *s, uint64_t took)
{
    uint64_t fit = 2 * took > s->budget_ns ? 2 * took : s->budget_ns;
    s->budget_ns = fit < VR_SPIN_MIN_NS ? VR_SPIN_MIN_NS : fit > VR_SPIN_MAX_NS ? VR_SPIN_MAX_NS : fit;
    s->misses = 0;
    s->asleep = false;
    s->debt = s->debt > 0 ? s->debt - 1 : 0;
    if (++s->catches >= VR_SPIN_SUSTAINED_CATCHES) {
        uint32_t half = vr_spin_interval(s) / 2;
        s->catches = 0;
        s->probe_every = half > VR_SPIN_PROBE_EVERY ? half : VR_SPIN_PROBE_EVERY;
    }
}

/* A spin ran its whole budget: a failed probe backs off; otherwise the budget halves, and the third miss in a row
 * turns spinning off. */
static inline void vr_spin_missed(vr_spin_t *s)
{
    s->catches = 0;
    if (s->asleep) {
        vr_spin_backoff(s);
        return;
    }
    uint64_t half = (s->budget_ns == 0 ? VR_SPIN_MAX_NS : s->budget_ns) / 2;
    s->budget_ns = half > VR_SPIN_MIN_NS ? half : VR_SPIN_MIN_NS;
    if (++s->misses >= VR_SPIN_MISSES_TO_SLEEP) {
        vr_spin_sleep(s);
    }
}

/* A spin lost its CPU: a second lost CPU within VR_SPIN_LOST_CPU_CATCHES catches turns spinning off. */
static inline void vr_spin_preempted(vr_spin_t *s)
{
    s->catches = 0;
    if (s->asleep) {
        vr_spin_backoff(s);
        return;
    }
    s->debt += VR_SPIN_LOST_CPU_CATCHES;
    if (s->debt > VR_SPIN_LOST_CPU_CATCHES) {
        vr_spin_sleep(s);
    }
}

/* The answer came at `now` (0: before the clock was read): a catch, unless we were off the CPU since `last`. */
static inline void vr_spin_answered(vr_spin_t *s, uint64_t now, uint64_t start, uint64_t last)
{
    if (now != 0 && now - last >= VR_SPIN_PREEMPTED_NS) {
        vr_spin_preempted(s);
    } else {
        vr_spin_caught(s, now == 0 ? 0 : now - start);
    }
}

/* ---- The transport to `verbring serve` (spec/transport.md) ------------------------------------------------ */
#ifdef VR_TRANSPORT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#if defined(__GLIBC__) && !defined(__USE_GNU)
#error "verbring.h with VR_TRANSPORT needs _GNU_SOURCE: include it before any system header (it defines it), or define _GNU_SOURCE yourself"
#endif

#define VR_WIRE_REQUEST 0x31515256u /* "VRQ1" */
#define VR_WIRE_REPLY 0x31525256u   /* "VRR1" */
#define VR_WIRE_SETUP 1u
#define VR_WIRE_READY 2u
#define VR_WIRE_ENTER 3u
#define VR_WIRE_DOORBELL 4u
#define VR_WIRE_SETUP_VERSION 2u /* the setup reply's a: the ring's memory comes as a descriptor (SCM_RIGHTS) */
#define VR_ANSWER_SLACK_NS 5000000000ull /* an enter with a timeout waits at most timeout + this for the answer */
#define VR_BELL_SLICE_MS 20     /* the first futex sleep; each quiet one doubles the next */
#define VR_BELL_MAX_SLICE_MS 250

/* How vr_connect_with enters. */
#define VR_ENTER_DOORBELL 0 /* spin, then a shared futex, on the doorbell page (what vr_connect does) */
#define VR_ENTER_SOCKET 1   /* a 20-byte request on the socket per enter; maps only the region */

typedef struct vr_client {
    int socket;
    void *region;       /* the mapping: the region, then (on the doorbell) the doorbell page */
    size_t region_size; /* the region's size, vr_region_size(...) */
    size_t mapped;      /* bytes mapped at region */
    vr_ring_t ring;
    vr_bell_t *bell;    /* the doorbell page; NULL when entering on the socket */
    uint32_t sequence;  /* the latest request rung */
    bool broken;        /* the server went away or stopped answering: every enter is -VR_EPIPE */
    vr_spin_t spin;
} vr_client_t;

/* Monotonic nanoseconds. */
static inline uint64_t vr_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

/* The CPU this thread runs on now (a hint; UINT32_MAX if unknown). */
static inline uint32_t vr_cpu(void)
{
    int cpu = sched_getcpu();
    return cpu < 0 ? UINT32_MAX : (uint32_t)cpu;
}

/* Sends or receives exactly `length` bytes, retrying on EINTR and short transfers; 0 or -1. MSG_NOSIGNAL: a dead
 * server is an error (-EPIPE from an enter), never a SIGPIPE that kills the client. */
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
        struct cmsghdr *c;
        ssize_t n;
        memset(&message, 0, sizeof(message));
        vector.iov_base = p;
        vector.iov_len = length;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control.bytes;
        message.msg_controllen = sizeof(control.bytes);
        n = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        for (c = n > 0 ? CMSG_FIRSTHDR(&message) : NULL; c != NULL; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                size_t i;
                for (i = 0; i < count; i++) {
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

/* Connects to the server at `path` and sets up a ring (SQ and CQ entries, powers of two; user memory bytes): the
 * server sends the ring's memory as a descriptor with its reply, which is mapped and closed. With
 * VR_ENTER_DOORBELL the doorbell page after the region is mapped too and enters move to it (kind 4); with
 * VR_ENTER_SOCKET only the region is mapped and every enter is a socket request (kind 3). Returns 0, or a negative
 * errno value (-VR_EAGAIN: the server is full, try again later; -VR_EINVAL: a shape it does not give, or more user
 * memory than its --max-user-memory, default 16 MiB; -VR_EACCES: it does not serve this user, or the socket's mode
 * does not let it connect; -VR_ENOENT: no server there; -VR_EIO: anything else, such as a server of another setup
 * version; see spec/transport.md, "Setup"); on failure nothing is left open or mapped. */
static inline int vr_connect_with(vr_client_t *client, const char *path, uint32_t sentries, uint32_t centries,
    uint32_t user, int transport)
{
    struct sockaddr_un address;
    struct stat info;
    uint32_t reply[4];
    uint32_t request[5];
    int status = -VR_EIO;
    int fd = -1;
    memset(&address, 0, sizeof(address));
    memset(client, 0, sizeof(*client));
    client->socket = -1;
    client->region = MAP_FAILED;
    address.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(address.sun_path)) {
        return -VR_ENAMETOOLONG;
    }
    strcpy(address.sun_path, path);
    request[0] = VR_WIRE_REQUEST;
    request[1] = VR_WIRE_SETUP;
    request[2] = sentries;
    request[3] = centries;
    request[4] = user;
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
    client->mapped = client->region_size + (transport == VR_ENTER_DOORBELL ? VR_BELL_SIZE : 0);
    if (fstat(fd, &info) != 0 || (uint64_t)info.st_size < client->mapped || reply[3] < client->mapped) {
        goto fail;
    }
    client->region = mmap(NULL, client->mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    fd = -1;
    if (client->region == MAP_FAILED || vr_wire_call(client->socket, VR_WIRE_READY, 0, 0, 0, reply) != 0 || reply[1] != 0) {
        goto fail;
    }
    if (transport == VR_ENTER_DOORBELL) {
        if (vr_wire_call(client->socket, VR_WIRE_DOORBELL, 0, 0, 0, reply) != 0 || reply[1] != 0
            || reply[2] != client->region_size || reply[3] != VR_BELL_SIZE) {
            goto fail;
        }
        client->bell = (vr_bell_t *)((uint8_t *)client->region + client->region_size);
        /* The server took the value request holds now as served; we are its only writer from here on. */
        client->sequence = atomic_load_explicit(&client->bell->request, memory_order_relaxed);
    }
    vr_ring_init(&client->ring, client->region, sentries, centries, user);
    return 0;
fail:
    if (fd >= 0) {
        close(fd);
    }
    if (client->region != MAP_FAILED) {
        munmap(client->region, client->mapped);
    }
    if (client->socket >= 0) {
        close(client->socket);
    }
    client->socket = -1;
    client->bell = NULL;
    return status;
}

/* vr_connect_with(..., VR_ENTER_DOORBELL): the fast path, as RingClient.Connect does by default. */
static inline int vr_connect(vr_client_t *client, const char *path, uint32_t sentries, uint32_t centries, uint32_t user)
{
    return vr_connect_with(client, path, sentries, centries, user, VR_ENTER_DOORBELL);
}

#define VR_NO_TIMEOUT UINT64_MAX /* vr_enter_timeout: no timeout of its own (unlike an SQE's, 0 means "do not wait") */

/* The enter request's c: 0 for none, else 1 + the timeout in whole microseconds, rounded up (at most UINT32_MAX). */
static inline uint32_t vr_wire_timeout(uint64_t timeout_ns)
{
    uint64_t micros;
    if (timeout_ns == VR_NO_TIMEOUT) {
        return 0;
    }
    micros = timeout_ns / 1000 + (timeout_ns % 1000 != 0);
    return micros >= UINT32_MAX - 1 ? UINT32_MAX : (uint32_t)(micros + 1);
}

/* FUTEX_WAKE one sleeper on `word` (a shared futex: keyed by the memory, so it crosses processes). */
static inline void vr_futex_wake(_Atomic uint32_t *word)
{
    (void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* FUTEX_WAIT on `word` while it holds `seen`, for at most `ms`; 0, or -1 on an error other than a wake-up, a
 * timeout, an interruption or a word that had moved already. */
static inline int vr_futex_wait(_Atomic uint32_t *word, uint32_t seen, int ms)
{
    struct timespec slice;
    slice.tv_sec = ms / 1000;
    slice.tv_nsec = (long)(ms % 1000) * 1000000L;
    if (syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, seen, &slice, NULL, 0) != 0
        && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) {
        return -1;
    }
    return 0;
}

/* One look's pause in a tight spin. */
static inline void vr_spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Spins while *word == seen, within the budget (SpinBudget.Spin): tightly, or — when the partner last rang from
 * the CPU we run on, where it cannot answer while we spin — yielding between looks. From the 16th look on it reads
 * the clock; two readings VR_SPIN_PREEMPTED_NS apart are a lost CPU. True when the word moved. */
static inline bool vr_spin_wait(vr_spin_t *s, _Atomic uint32_t *word, uint32_t seen, uint32_t partner_cpu)
{
    uint64_t budget = vr_spin_next(s);
    bool tight = partner_cpu != vr_cpu();
    uint64_t start = 0, last = 0; /* a quick answer costs no clock read at all */
    uint32_t look;
    for (look = 1;; look++) {
        uint64_t now;
        /* acquire: what the server wrote before its sequence is visible once we see it */
        if (atomic_load_explicit(word, memory_order_acquire) != seen) {
            if (budget != 0) {
                vr_spin_answered(s, start == 0 ? 0 : vr_now_ns(), start, last);
            }
            return true;
        }
        if (budget == 0) {
            return false;
        }
        if (tight && look % 16 != 0) {
            vr_spin_pause();
            continue;
        }
        now = vr_now_ns();
        if (start != 0 && now - last >= VR_SPIN_PREEMPTED_NS) {
            vr_spin_preempted(s);
            return atomic_load_explicit(word, memory_order_acquire) != seen;
        }
        start = start == 0 ? now : start;
        if (now - start >= budget) {
            vr_spin_missed(s);
            return false;
        }
        if (!tight) {
            sched_yield(); /* the server shares our CPU: let it run */
        }
        last = now;
    }
}

/* Whether the server is gone: the socket carries nothing once on the doorbell, so readable means closed (or the
 * protocol broken); an enter's answer deadline passed counts as gone too. */
static inline bool vr_server_gone(const vr_client_t *client, uint64_t deadline)
{
    struct pollfd p;
    p.fd = client->socket;
    p.events = POLLIN;
    p.revents = 0;
    return (deadline != 0 && vr_now_ns() >= deadline) || poll(&p, 1, 0) != 0;
}

/* Publishes `sequence` in the request word with a full fence (the amount, wait and timeout travel with it), then
 * wakes the server only if it announced sleep (Dekker: spec/transport.md, "The doorbell page"). */
static inline void vr_bell_ring(vr_bell_t *bell, uint32_t sequence)
{
    atomic_store_explicit(&bell->user_cpu, vr_cpu(), memory_order_relaxed);
    atomic_exchange_explicit(&bell->request, sequence, memory_order_seq_cst);
    if (atomic_load_explicit(&bell->kernel_sleeping, memory_order_seq_cst) != 0) {
        vr_futex_wake(&bell->request);
    }
}

/* Waits for the reply word to leave `seen` (Doorbell.AwaitChange): spin, then announce sleep with a full fence,
 * re-read, ask whether the server is gone, and FUTEX_WAIT in slices of 20 ms doubling to 250 ms. True once the word
 * moved; false when the server is gone. */
static inline bool vr_bell_await(vr_client_t *client, uint32_t seen, uint64_t deadline)
{
    vr_bell_t *bell = client->bell;
    int slice = VR_BELL_SLICE_MS;
    bool moved = false;
    if (vr_spin_wait(&client->spin, &bell->reply, seen,
            atomic_load_explicit(&bell->kernel_cpu, memory_order_relaxed))) {
        return true;
    }
    for (;;) {
        atomic_exchange_explicit(&bell->user_sleeping, 1, memory_order_seq_cst);
        if (atomic_load_explicit(&bell->reply, memory_order_seq_cst) != seen) {
            moved = true;
            break;
        }
        if (vr_server_gone(client, deadline) || vr_futex_wait(&bell->reply, seen, slice) != 0) {
            break;
        }
        slice = 2 * slice < VR_BELL_MAX_SLICE_MS ? 2 * slice : VR_BELL_MAX_SLICE_MS;
        if (atomic_load_explicit(&bell->reply, memory_order_acquire) != seen) {
            moved = true;
            break;
        }
    }
    /* awake again: the server pays for no wake syscall until we announce the next sleep */
    atomic_store_explicit(&bell->user_sleeping, 0, memory_order_release);
    return moved;
}

/* The doorbell's enter (DoorbellPort.Enter). */
static inline int vr_bell_enter(vr_client_t *client, uint32_t amount, uint32_t wait, uint32_t timeout, uint64_t deadline,
    uint32_t *consumed)
{
    vr_bell_t *bell = client->bell;
    uint32_t sequence = client->sequence + 1;
    atomic_store_explicit(&bell->amount, amount, memory_order_relaxed);
    atomic_store_explicit(&bell->wait, wait, memory_order_relaxed);
    atomic_store_explicit(&bell->timeout, timeout, memory_order_relaxed);
    vr_bell_ring(bell, sequence);
    client->sequence = sequence;
    for (;;) {
        uint32_t seen = atomic_load_explicit(&bell->reply, memory_order_acquire);
        if (seen == sequence) {
            break;
        }
        if (!vr_bell_await(client, seen, deadline)) {
            client->broken = true; /* a late answer would be taken for the next enter's */
            return -VR_EPIPE;
        }
    }
    *consumed = atomic_load_explicit(&bell->consumed, memory_order_relaxed);
    return -(int)atomic_load_explicit(&bell->error, memory_order_relaxed);
}

/* The socket's enter (kind 3); with a timeout, the answer is awaited at most timeout + VR_ANSWER_SLACK_NS. */
static inline int vr_socket_enter(vr_client_t *client, uint32_t amount, uint32_t wait, uint32_t timeout,
    uint64_t timeout_ns, uint32_t *consumed)
{
    uint32_t reply[4];
    int status;
    if (timeout != 0) {
        uint64_t limit = (timeout_ns > UINT32_MAX * 1000000000ull ? UINT32_MAX * 1000000000ull : timeout_ns) + VR_ANSWER_SLACK_NS;
        struct timeval tv;
        tv.tv_sec = (time_t)(limit / 1000000000ull);
        tv.tv_usec = (suseconds_t)(limit % 1000000000ull / 1000);
        (void)setsockopt(client->socket, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    status = vr_wire_call(client->socket, VR_WIRE_ENTER, amount, wait, timeout, reply);
    if (timeout != 0) {
        struct timeval none;
        memset(&none, 0, sizeof(none));
        (void)setsockopt(client->socket, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    }
    if (status != 0) {
        client->broken = true;
        return -VR_EPIPE;
    }
    *consumed = reply[2];
    return -(int)(int32_t)reply[1];
}

/* Consumes up to `amount` SQEs and waits for `wait` unread CQEs, or until `timeout_ns` has passed on the server's
 * clock (-VR_ETIMEDOUT, like io_uring_wait_cqe_timeout; VR_NO_TIMEOUT for none, 0 to poll: what is there now), or
 * the ring's enter timeout, whichever is first. Returns 0 or -errno, and `*consumed` gets the SQEs consumed on
 * every return (each gets exactly one CQE). -VR_EPIPE: the server is gone, or has not answered an enter with a
 * timeout VR_ANSWER_SLACK_NS after it; *consumed is 0 then — the server may have consumed SQEs that nobody will
 * complete — and every enter after it is -VR_EPIPE too. One enter at a time per client. */
static inline int vr_enter_timeout(vr_client_t *client, uint32_t amount, uint32_t wait, uint64_t timeout_ns, uint32_t *consumed)
{
    uint32_t timeout = vr_wire_timeout(timeout_ns);
    *consumed = 0;
    if (client->broken) {
        return -VR_EPIPE;
    }
    if (client->bell == NULL) {
        return vr_socket_enter(client, amount, wait, timeout, timeout_ns, consumed);
    }
    return vr_bell_enter(client, amount, wait, timeout,
        timeout == 0 ? 0 : vr_now_ns() + (timeout_ns > UINT32_MAX * 1000000000ull ? UINT32_MAX * 1000000000ull : timeout_ns) + VR_ANSWER_SLACK_NS,
        consumed);
}

/* vr_enter_timeout without a timeout of its own (the ring's enter timeout still applies). Header version 2: this
 * used to return the count or -errno, losing the count on an error; now it returns 0 or -errno and always sets
 * *consumed. */
static inline int vr_enter(vr_client_t *client, uint32_t amount, uint32_t wait, uint32_t *consumed)
{
    return vr_enter_timeout(client, amount, wait, VR_NO_TIMEOUT, consumed);
}

/* Tears the ring down: closes the socket (the server cancels what is pending and closes the descriptors), rings
 * once more with a no-op on the doorbell so a server asleep there wakes and finds it closed, and unmaps. Nothing
 * of the ring (its queues, registers or user memory, or a pointer taken into them) may be touched after this. */
static inline void vr_disconnect(vr_client_t *client)
{
    close(client->socket);
    if (client->bell != NULL) {
        atomic_store_explicit(&client->bell->amount, 0, memory_order_relaxed);
        atomic_store_explicit(&client->bell->wait, 0, memory_order_relaxed);
        atomic_store_explicit(&client->bell->timeout, 0, memory_order_relaxed);
        vr_bell_ring(client->bell, client->sequence + 1);
    }
    munmap(client->region, client->mapped);
    client->socket = -1;
    client->bell = NULL;
}
#endif /* VR_TRANSPORT */

#endif /* VERBRING_H */
