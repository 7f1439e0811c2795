/*
 * copy_all.c — VerbRing's bounded LOOP from C, against `verbring serve`: copy a file whose size the program does not
 * know, in one enter, written from spec/verbs.md ("LOOP") and spec/verbring.h alone.
 *
 *   copy_all SOCKET
 *
 * Enter 1 writes /in.bin (10 000 bytes of a pattern). Enter 2 is the copy, with quiet (SKIP_SUCCESS) steps:
 *   open /in.bin -> r0, open /out.bin -> r1,
 *   LOOP while r2 != 0 (at most 1 000 times, a body of 2) -> r3, hardlinked to what follows
 *       read r0 into a 1 KiB buffer -> r2 (0 at end of file), write r1 the r2 bytes
 *   close r0, close r1
 * and expects exactly two CQEs: the LOOP's (11 iterations: 10 reads with data, one of 0 bytes) and the last CLOSE's.
 * Enter 3 reads /out.bin back and compares. Exits 0 only if every check passed.
 * Build: cc -std=c11 -Wall -Werror -I spec examples/c/copy_all.c
 */
#define VR_TRANSPORT
#include "verbring.h" /* first: it defines the feature macros its transport needs */

#include <inttypes.h>
#include <stdio.h>

enum { SQ = 16, CQ = 16, USER = 32768, SIZE = 10000, BLOCK = 1024 };

static const char IN[] = "/in.bin";
static const char OUT[] = "/out.bin";
static int mismatches;

static void check(bool ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    mismatches += ok ? 0 : 1;
}

/* User memory: [0, 16) "/in.bin", [16, 32) "/out.bin", [64, 64 + BLOCK) the copy's buffer, [2048, 2048 + SIZE) the
 * pattern, [16384, 16384 + SIZE) the read-back. */
enum { IN_AT = 0, OUT_AT = 16, BUFFER_AT = 64, PATTERN_AT = 2048, BACK_AT = 16384 };

static vr_sqe_t open_sqe(vr_ring_t *ring, const char *path, size_t length, uint64_t flags, uint32_t save, uint32_t link)
{
    vr_sqe_t sqe = vr_sqe(VR_OP_OPEN, 0);
    sqe.arg0 = VR_FD_NONE;
    sqe.arg1 = vr_user_addr(ring, path);
    sqe.arg2 = length;
    sqe.arg3 = flags;
    sqe.flags = vr_flags(VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, save, link);
    return sqe;
}

static int enter(vr_client_t *client, uint32_t amount, uint32_t wait)
{
    uint32_t consumed = 0;
    int status = vr_enter_timeout(client, amount, wait, 5000000000ull, &consumed);
    return status == 0 && consumed == amount ? 0 : (status != 0 ? status : -1);
}

int main(int argc, char **argv)
{
    vr_client_t client;
    vr_ring_t *ring;
    vr_cqe_t cqe;
    vr_sqe_t sqe[8];
    char *in, *out;
    uint8_t *pattern, *back;
    unsigned i;
    int status;
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET   (the path `verbring serve --socket` listens on)\n", argv[0]);
        return 2;
    }
    status = vr_connect(&client, argv[1], SQ, CQ, USER);
    if (status != 0) {
        fprintf(stderr, "copy_all: cannot connect to %s: %s (errno %d)\n", argv[1], strerror(-status), -status);
        return 1;
    }
    ring = &client.ring;
    in = (char *)ring->user + IN_AT;
    out = (char *)ring->user + OUT_AT;
    pattern = ring->user + PATTERN_AT;
    back = ring->user + BACK_AT;
    memcpy(in, IN, sizeof(IN) - 1);
    memcpy(out, OUT, sizeof(OUT) - 1);
    for (i = 0; i < SIZE; i++) {
        pattern[i] = (uint8_t)(i * 7 + i / 251);
    }

    /* Enter 1: /in.bin := the pattern (open -> write -> close, linked, the descriptor in r0). */
    sqe[0] = open_sqe(ring, in, sizeof(IN) - 1, VR_OPEN_WRITE | VR_OPEN_CREATE | VR_OPEN_TRUNCATE, VR_REG0, VR_SQE_LINK);
    sqe[1] = vr_sqe(VR_OP_WRITE, 1);
    sqe[1].arg1 = vr_user_addr(ring, pattern);
    sqe[1].arg2 = SIZE;
    sqe[1].arg3 = VR_OFF_CUR;
    sqe[1].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_SQE_LINK);
    sqe[2] = vr_sqe(VR_OP_CLOSE, 2);
    sqe[2].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, 0);
    for (i = 0; i < 3; i++) {
        vr_sqe_push(ring, &sqe[i]);
    }
    check(enter(&client, 3, 3) == 0, "enter 1 wrote /in.bin");
    for (i = 0; i < 3 && vr_cqe_pop(ring, &cqe); i++) {
        check(cqe.error == VR_OK && (i != 1 || cqe.result == SIZE), "  its step succeeded");
    }

    /* Enter 2: the copy. */
    sqe[0] = open_sqe(ring, in, sizeof(IN) - 1, VR_OPEN_READ, VR_REG0, VR_SQE_LINK | VR_SQE_SKIP_SUCCESS);
    sqe[0].data = 10;
    sqe[1] = open_sqe(ring, out, sizeof(OUT) - 1, VR_OPEN_WRITE | VR_OPEN_CREATE | VR_OPEN_TRUNCATE, VR_REG1,
        VR_SQE_LINK | VR_SQE_SKIP_SUCCESS);
    sqe[1].data = 11;
    sqe[2] = vr_sqe(VR_OP_LOOP, 12); /* while r2 != 0, at most 1 000 times, a body of the next 2 SQEs */
    sqe[2].arg1 = VR_LOOP_NE;
    sqe[2].arg2 = 0;
    sqe[2].arg3 = 1000;
    sqe[2].arg4 = 2;
    sqe[2].flags = vr_flags(VR_REG2, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG3, VR_SQE_HARDLINK);
    sqe[3] = vr_sqe(VR_OP_READ, 13); /* r0 -> buffer, BLOCK bytes, bytes read into r2 */
    sqe[3].arg1 = vr_user_addr(ring, ring->user + BUFFER_AT);
    sqe[3].arg2 = BLOCK;
    sqe[3].arg3 = VR_OFF_CUR;
    sqe[3].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG2,
        VR_SQE_LINK | VR_SQE_SKIP_SUCCESS);
    sqe[4] = vr_sqe(VR_OP_WRITE, 14); /* r1 <- buffer, r2 bytes */
    sqe[4].arg1 = vr_user_addr(ring, ring->user + BUFFER_AT);
    sqe[4].arg3 = VR_OFF_CUR;
    sqe[4].flags = vr_flags(VR_REG1, VR_REG_NONE, VR_REG2, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE,
        VR_SQE_LINK | VR_SQE_SKIP_SUCCESS);
    sqe[5] = vr_sqe(VR_OP_CLOSE, 15);
    sqe[5].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE,
        VR_SQE_HARDLINK | VR_SQE_SKIP_SUCCESS);
    sqe[6] = vr_sqe(VR_OP_CLOSE, 16);
    sqe[6].flags = vr_flags(VR_REG1, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, 0);
    vr_reg_set(ring, 2, 1); /* "not at end of file yet" */
    for (i = 0; i < 7; i++) {
        vr_sqe_push(ring, &sqe[i]);
    }
    check(enter(&client, 7, 2) == 0, "enter 2 consumed the copy's seven SQEs and waited for its two CQEs");
    check(vr_cqe_pop(ring, &cqe) && cqe.op == VR_OP_LOOP && cqe.data == 12 && cqe.error == VR_OK && cqe.result == 11,
        "the LOOP's CQE: OK, 11 iterations (10 blocks with data, one of 0 bytes)");
    printf("     loop: error %" PRId32 " result %" PRIu64 "; r2 %" PRIu64 " r3 %" PRIu64 "\n", cqe.error, cqe.result,
        vr_reg_get(ring, 2), vr_reg_get(ring, 3));
    check(vr_cqe_pop(ring, &cqe) && cqe.op == VR_OP_CLOSE && cqe.data == 16 && cqe.error == VR_OK,
        "the last CLOSE's CQE, and nothing from the quiet steps before it");
    check(!vr_cqe_pop(ring, &cqe), "exactly two CQEs");
    check(vr_reg_get(ring, 3) == 11 && vr_reg_get(ring, 2) == 0, "r3 holds the iterations, r2 the last read (0)");

    /* Enter 3: read /out.bin back. */
    sqe[0] = open_sqe(ring, out, sizeof(OUT) - 1, VR_OPEN_READ, VR_REG0, VR_SQE_LINK);
    sqe[1] = vr_sqe(VR_OP_READ, 21);
    sqe[1].arg1 = vr_user_addr(ring, back);
    sqe[1].arg2 = SIZE + 1;
    sqe[1].arg3 = 0;
    sqe[1].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG1, VR_SQE_LINK);
    sqe[2] = vr_sqe(VR_OP_CLOSE, 22);
    sqe[2].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, 0);
    for (i = 0; i < 3; i++) {
        vr_sqe_push(ring, &sqe[i]);
    }
    check(enter(&client, 3, 3) == 0, "enter 3 read /out.bin back");
    while (vr_cqe_pop(ring, &cqe)) {
    }
    check(vr_reg_get(ring, 1) == SIZE, "/out.bin holds 10 000 bytes");
    check(memcmp(back, pattern, SIZE) == 0, "and they are /in.bin's");

    vr_disconnect(&client);
    printf("copy_all: %s\n", mismatches == 0 ? "all checks passed" : "MISMATCH");
    return mismatches == 0 ? 0 : 1;
}
