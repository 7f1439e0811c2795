/*
 * chain.c — the design card's chain, from C, against `verbring serve`, over the doorbell.
 *
 *   chain SOCKET
 *
 * Connects to the server at SOCKET (a ring of 8 SQEs, 8 CQEs, 4 KiB of user memory), pushes
 *   open("/hello.txt") -> write(greeting) -> seek(0) -> read -> close
 * linked, the descriptor and the byte count passed through registers, enters it once (5 SQEs, wait for 5 CQEs,
 * a 5-second timeout), and checks every CQE (op, data, error, result), the registers and the bytes read back.
 * Prints each step; exits 0 only if everything matched. Build: cc -std=c11 -Wall -Werror -I spec examples/c/chain.c
 */
#define VR_TRANSPORT
#include "verbring.h" /* first: it defines the feature macros its transport needs */

#include <inttypes.h>
#include <stdio.h>

enum { SQ = 8, CQ = 8, USER = 4096 };

static const char PATH[] = "/hello.txt";
static const char GREETING[] = "Hello from the ring!\n";
static int mismatches;

static void check(bool ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    mismatches += ok ? 0 : 1;
}

/* Pushes the chain; the user memory holds [path][greeting][buffer]. */
static bool push_chain(vr_ring_t *ring)
{
    uint8_t *path = ring->user, *greeting = path + 16, *buffer = greeting + 32;
    vr_sqe_t chain[5];
    unsigned r, i;
    memcpy(path, PATH, sizeof(PATH) - 1);
    memcpy(greeting, GREETING, sizeof(GREETING) - 1);

    chain[0] = vr_sqe(VR_OP_OPEN, 0); /* fd saved in r0 */
    chain[0].arg0 = VR_FD_NONE;
    chain[0].arg1 = vr_user_addr(ring, path);
    chain[0].arg2 = sizeof(PATH) - 1;
    chain[0].arg3 = VR_OPEN_READ | VR_OPEN_WRITE | VR_OPEN_CREATE | VR_OPEN_TRUNCATE;
    chain[0].flags = vr_flags(VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG0, VR_SQE_LINK);

    chain[1] = vr_sqe(VR_OP_WRITE, 1); /* fd from r0, bytes written saved in r1 */
    chain[1].arg1 = vr_user_addr(ring, greeting);
    chain[1].arg2 = sizeof(GREETING) - 1;
    chain[1].arg3 = VR_OFF_CUR;
    chain[1].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG1, VR_SQE_LINK);

    chain[2] = vr_sqe(VR_OP_SEEK, 2); /* fd from r0, back to 0 */
    chain[2].arg3 = 0;
    chain[2].arg4 = VR_SEEK_SET;
    chain[2].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_SQE_LINK);

    chain[3] = vr_sqe(VR_OP_READ, 3); /* fd from r0, count from r1, bytes read saved in r2 */
    chain[3].arg1 = vr_user_addr(ring, buffer);
    chain[3].arg3 = VR_OFF_CUR;
    chain[3].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG1, VR_REG_NONE, VR_REG_NONE, VR_REG2, VR_SQE_LINK);

    chain[4] = vr_sqe(VR_OP_CLOSE, 4); /* fd from r0 */
    chain[4].flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, 0);

    for (r = 0; r < VR_REGS; r++) {
        vr_reg_set(ring, r, 1000 + r); /* stale values the chain must overwrite, or leave alone */
    }
    for (i = 0; i < 5; i++) {
        if (!vr_sqe_push(ring, &chain[i])) {
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    static const uint32_t ops[] = { VR_OP_OPEN, VR_OP_WRITE, VR_OP_SEEK, VR_OP_READ, VR_OP_CLOSE };
    static const char *const names[] = { "open", "write", "seek", "read", "close" };
    const uint64_t greeting = sizeof(GREETING) - 1;
    vr_client_t client;
    vr_cqe_t cqe;
    uint64_t fd = VR_ERR;
    uint32_t consumed = 0;
    unsigned i;
    int status;
    bool untouched;
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET   (the path `verbring serve --socket` listens on)\n", argv[0]);
        return 2;
    }
    status = vr_connect(&client, argv[1], SQ, CQ, USER);
    if (status != 0) {
        fprintf(stderr, "chain: cannot connect to %s: %s (errno %d)\n", argv[1], strerror(-status), -status);
        return 1;
    }
    printf("connected to %s: SQ %d, CQ %d, %d bytes of user memory, entering over the %s\n", argv[1], SQ, CQ, USER,
        client.bell != NULL ? "doorbell" : "socket");
    check(client.bell != NULL, "the client rings the doorbell page");
    check(push_chain(&client.ring), "pushed open -> write -> seek -> read -> close");

    status = vr_enter_timeout(&client, 5, 5, 5000000000ull, &consumed);
    printf("enter(5, 5, 5 s): %d, consumed %" PRIu32 "\n", status, consumed);
    check(status == 0 && consumed == 5, "one enter consumed the five SQEs and waited for their five CQEs");

    for (i = 0; i < 5; i++) {
        uint64_t want = i == 1 || i == 3 ? greeting : 0;
        char what[96];
        if (!vr_cqe_pop(&client.ring, &cqe)) {
            check(false, "a CQE for every SQE");
            break;
        }
        printf("cqe %u: op %" PRIu32 " data %" PRIu64 " error %" PRId32 " result %" PRIu64 "\n", i, cqe.op, cqe.data,
            cqe.error, cqe.result);
        if (i == 0) {
            fd = cqe.result;
            want = fd < 1024 ? fd : 0; /* the descriptor is the kernel's to choose; it must be a small one */
        }
        snprintf(what, sizeof(what), "%s completed in order, no error, result %" PRIu64, names[i], want);
        check(cqe.op == ops[i] && cqe.data == i && cqe.error == VR_OK && cqe.result == want && fd < 1024
            && cqe.reserved == 0, what);
    }
    check(!vr_cqe_pop(&client.ring, &cqe), "exactly five CQEs");
    printf("registers:");
    for (i = 0; i < VR_REGS; i++) {
        printf(" r%u %" PRIu64, i, vr_reg_get(&client.ring, i));
    }
    printf("\n");
    check(vr_reg_get(&client.ring, 0) == fd, "r0 holds the descriptor open returned");
    check(vr_reg_get(&client.ring, 1) == greeting, "r1 holds the bytes written");
    check(vr_reg_get(&client.ring, 2) == greeting, "r2 holds the bytes read");
    untouched = true;
    for (i = 3; i < VR_REGS; i++) {
        untouched = untouched && vr_reg_get(&client.ring, i) == 1000 + i;
    }
    check(untouched, "r3..r6 are untouched");
    check(memcmp(client.ring.user + 48, GREETING, sizeof(GREETING) - 1) == 0, "the greeting was read back");

    vr_disconnect(&client);
    printf("chain: %s\n", mismatches == 0 ? "all checks passed" : "MISMATCH");
    return mismatches == 0 ? 0 : 1;
}
