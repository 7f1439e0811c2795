/*
 * abi_chain.c — proves the VerbRing ABI is language-neutral, using nothing but spec/verbring.h and a mapped file.
 *
 *   abi_chain write FILE   creates FILE as a ring region (SQ 8, CQ 8, 4 KiB user memory) and pushes the design
 *                          card's chain: open -> write -> seek -> read -> close, fd and byte count in registers.
 *   abi_chain check FILE   after a VerbRing kernel entered that ring: pops and checks every CQE, the registers
 *                          and the bytes read back. Prints "N passed, N failed"; exits 1 on any failure.
 *   abi_chain layout SQ CQ USER   prints the SQ, CQ and user-memory offsets and the region size.
 *   abi_chain connect SOCKET     connects to `verbring serve`, pushes the chain, enters it (5, 5) over the doorbell
 *                                and checks it; then a wait with a timeout of its own ends with ETIMEDOUT, the
 *                                consumed count kept.
 *   abi_chain connect-socket SOCKET   the same, entering by requests on the socket (kind 3).
 *   abi_chain hangup SOCKET      connects over the doorbell, says "waiting", and waits on a NOP that sleeps a
 *                                minute; prints each of two enters' results ("enter -32 consumed 0" once the
 *                                server stopped).
 *   abi_chain spin FILE          feeds vr_spin_t the outcomes in FILE, one a line ("n": a wait, "c NS": caught
 *                                after NS, "m": missed, "p": lost its CPU) and prints its state after each one:
 *                                "budget asleep interval debt" (and, after "n", the spin it allowed).
 */
#define VR_TRANSPORT
#include "verbring.h" /* first, with no feature macro of ours: it defines what its transport needs */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SQ = 8, CQ = 8, USER = 4096 };

static const char PATH[] = "/hello.txt";
static const char GREETING[] = "Hello from the ring!\n";
static int passed, failed;

static void expect(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

static void *map(const char *file, int create)
{
    size_t size = (size_t)vr_region_size(SQ, CQ, USER);
    int fd = open(file, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);
    if (fd < 0 || (create && ftruncate(fd, (off_t)size) != 0)) {
        perror(file);
        return NULL;
    }
    void *region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return region == MAP_FAILED ? NULL : region;
}

static int write_chain(vr_ring_t *ring)
{
    uint8_t *path = ring->user;                 /* user memory: [path][greeting][buffer] */
    uint8_t *greeting = path + 16;
    uint8_t *buffer = greeting + 32;
    memcpy(path, PATH, sizeof(PATH) - 1);
    memcpy(greeting, GREETING, sizeof(GREETING) - 1);

    vr_sqe_t open_ = vr_sqe(VR_OP_OPEN, 0);
    open_.arg0 = VR_FD_NONE;
    open_.arg1 = vr_user_addr(ring, path);
    open_.arg2 = sizeof(PATH) - 1;
    open_.arg3 = VR_OPEN_READ | VR_OPEN_WRITE | VR_OPEN_CREATE;
    open_.flags = vr_flags(VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG0, VR_SQE_LINK);

    vr_sqe_t write_ = vr_sqe(VR_OP_WRITE, 1);   /* fd from r0, count saved in r1 */
    write_.arg1 = vr_user_addr(ring, greeting);
    write_.arg2 = sizeof(GREETING) - 1;
    write_.arg3 = VR_OFF_CUR;
    write_.flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG1, VR_SQE_LINK);

    vr_sqe_t seek = vr_sqe(VR_OP_SEEK, 2);
    seek.arg3 = 0;
    seek.arg4 = VR_SEEK_SET;
    seek.flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_SQE_LINK);

    vr_sqe_t read_ = vr_sqe(VR_OP_READ, 3);     /* fd from r0, count from r1, result in r2 */
    read_.arg1 = vr_user_addr(ring, buffer);
    read_.arg3 = VR_OFF_CUR;
    read_.flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG1, VR_REG_NONE, VR_REG_NONE, VR_REG2, VR_SQE_LINK);

    vr_sqe_t close_ = vr_sqe(VR_OP_CLOSE, 4);
    close_.flags = vr_flags(VR_REG0, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, VR_REG_NONE, 0);

    for (unsigned r = 0; r < VR_REGS; r++) {
        vr_reg_set(ring, r, 1000 + r);          /* stale values the chain must not use */
    }
    const vr_sqe_t *chain[] = { &open_, &write_, &seek, &read_, &close_ };
    for (unsigned i = 0; i < 5; i++) {
        if (!vr_sqe_push(ring, chain[i])) {
            printf("FAIL: push %u\n", i);
            return 1;
        }
    }
    printf("pushed 5 SQEs\n");
    return 0;
}

static int check_chain(vr_ring_t *ring)
{
    static const uint32_t ops[] = { VR_OP_OPEN, VR_OP_WRITE, VR_OP_SEEK, VR_OP_READ, VR_OP_CLOSE };
    vr_cqe_t cqe;
    uint64_t fd = VR_ERR;
    for (unsigned i = 0; i < 5; i++) {
        if (!vr_cqe_pop(ring, &cqe)) {
            printf("FAIL: CQE %u missing\n", i);
            failed++;
            break;
        }
        expect(cqe.op == ops[i] && cqe.data == i, "CQEs arrive in chain order with their op and data");
        expect(cqe.error == VR_OK, "every step succeeded");
        expect(cqe.reserved == 0, "reserved is zero");
        if (i == 0) {
            fd = cqe.result;
            expect(fd < 64, "OPEN returned a descriptor");
        }
        if (i == 1 || i == 3) {
            expect(cqe.result == sizeof(GREETING) - 1, "WRITE and READ moved 21 bytes");
        }
        if (i == 2 || i == 4) {
            expect(cqe.result == 0, "SEEK returned position 0, CLOSE returned 0");
        }
    }
    expect(!vr_cqe_pop(ring, &cqe), "exactly five CQEs");
    expect(vr_reg_get(ring, 0) == fd, "r0 holds the descriptor");
    expect(vr_reg_get(ring, 1) == sizeof(GREETING) - 1, "r1 holds the bytes written");
    expect(vr_reg_get(ring, 2) == sizeof(GREETING) - 1, "r2 holds the bytes read");
    expect(vr_reg_get(ring, 3) == 1003, "r3 is untouched");
    expect(memcmp(ring->user + 48, GREETING, sizeof(GREETING) - 1) == 0, "the greeting was read back");
    expect(atomic_load(&ring->ctrl->shead) == 5, "the kernel consumed five SQEs");
    printf("c abi: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

static int spin_script(const char *file)
{
    vr_spin_t spin;
    char line[64];
    FILE *in = fopen(file, "r");
    if (in == NULL) {
        perror(file);
        return 2;
    }
    memset(&spin, 0, sizeof(spin));
    while (fgets(line, sizeof(line), in) != NULL) {
        unsigned long long allowed = 0;
        if (line[0] == 'n') {
            allowed = vr_spin_next(&spin);
        } else if (line[0] == 'c') {
            vr_spin_caught(&spin, strtoull(line + 2, NULL, 10));
        } else if (line[0] == 'm') {
            vr_spin_missed(&spin);
        } else {
            vr_spin_preempted(&spin);
        }
        printf("%llu %llu %d %u %u\n", allowed, (unsigned long long)spin.budget_ns, spin.asleep ? 1 : 0,
            vr_spin_interval(&spin), spin.debt);
    }
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "hangup") == 0) {
        vr_client_t client;
        uint32_t consumed = 99;
        vr_sqe_t sleep = vr_sqe(VR_OP_NOP, 7);
        int status = vr_connect(&client, argv[2], SQ, CQ, USER);
        if (status != 0) {
            printf("FAIL: connect: %d\n", status);
            return 1;
        }
        sleep.timeout = 60000000000ull;
        vr_sqe_push(&client.ring, &sleep);
        printf("waiting\n");
        fflush(stdout);
        status = vr_enter(&client, 1, 1, &consumed);
        printf("enter %d consumed %u\n", status, consumed);
        status = vr_enter(&client, 0, 0, &consumed);
        printf("enter %d consumed %u\n", status, consumed);
        vr_disconnect(&client);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "spin") == 0) {
        return spin_script(argv[2]);
    }
    if (argc == 5 && strcmp(argv[1], "layout") == 0) {
        uint32_t sq = (uint32_t)strtoul(argv[2], NULL, 10), cq = (uint32_t)strtoul(argv[3], NULL, 10);
        uint32_t user = (uint32_t)strtoul(argv[4], NULL, 10);
        printf("%llu %llu %llu %llu\n", (unsigned long long)vr_sq_offset(), (unsigned long long)vr_cq_offset(sq),
            (unsigned long long)vr_user_offset(sq, cq), (unsigned long long)vr_region_size(sq, cq, user));
        return 0;
    }
    if (argc == 3 && (strcmp(argv[1], "connect") == 0 || strcmp(argv[1], "connect-socket") == 0)) {
        vr_client_t client;
        int socket_only = strcmp(argv[1], "connect-socket") == 0;
        int status = vr_connect_with(&client, argv[2], SQ, CQ, USER, socket_only ? VR_ENTER_SOCKET : VR_ENTER_DOORBELL);
        if (status != 0) {
            printf("FAIL: connect: %d\n", status);
            return 1;
        }
        printf("entering over the %s\n", client.bell != NULL ? "doorbell" : "socket");
        if (write_chain(&client.ring) != 0) {
            return 1;
        }
        uint32_t consumed = 99;
        expect(vr_enter(&client, 5, 5, &consumed) == 0 && consumed == 5,
            "enter consumed the five SQEs and waited for five CQEs");
        status = check_chain(&client.ring);
        vr_sqe_t sleep = vr_sqe(VR_OP_NOP, 99); /* a minute's sleep: the wait below cannot be met before its timeout */
        sleep.timeout = 60000000000ull;
        sleep.flags = VR_SQE_NONE;
        uint32_t taken = 99;
        expect(vr_sqe_push(&client.ring, &sleep), "push the sleep");
        expect(vr_enter_timeout(&client, 1, 1, 20000000ull, &taken) == -VR_ETIMEDOUT && taken == 1,
            "a wait with a 20 ms timeout of its own ends with ETIMEDOUT, the SQE it consumed counted");
        printf("c abi: %d passed, %d failed\n", passed, failed);
        status |= failed == 0 ? 0 : 1;
        vr_disconnect(&client);
        return status;
    }
    if (argc != 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
        fprintf(stderr, "usage: %s write|check FILE\n", argv[0]);
        return 2;
    }
    int create = strcmp(argv[1], "write") == 0;
    void *region = map(argv[2], create);
    if (region == NULL) {
        return 2;
    }
    vr_ring_t ring;
    vr_ring_init(&ring, region, SQ, CQ, USER);
    int status = create ? write_chain(&ring) : check_chain(&ring);
    munmap(region, (size_t)vr_region_size(SQ, CQ, USER));
    return status;
}
