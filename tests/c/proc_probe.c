/*
 * proc_probe.c — an unprivileged process of the same user as `verbring serve` trying to reach a ring that is not
 * its own (tests/VerbRing.Tests/Server/IsolationTests.cs runs it with setpriv as uid 65534).
 *
 *   proc_probe hold SECRET          maps SECRET in memfd memory, as a dumpable process holding a ring would; prints
 *                                   "holding" and waits until stdin closes. The control: the attack below finds it.
 *   proc_probe attack PID SECRET [START-END ...]
 *                                   tries every way in: lists /proc/PID/fd, opens /proc/PID/fd/0..4095 and reads each,
 *                                   lists /proc/PID/map_files, reads /proc/PID/maps, and reads the given address
 *                                   ranges (hex, as /proc/PID/maps shows them) through /proc/PID/mem and
 *                                   process_vm_readv. Prints one line per way, then "secret: found" or
 *                                   "secret: not found".
 */
#define _GNU_SOURCE /* memfd_create, process_vm_readv, memmem */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

enum { CHUNK = 1 << 20 };

static const char *secret;
static int found;

static void look(const char *bytes, size_t length, const char *where)
{
    if (length >= strlen(secret) && memmem(bytes, length, secret, strlen(secret)) != NULL) {
        if (!found) {
            printf("secret read through %s\n", where);
        }
        found = 1;
    }
}

static const char *outcome(int ok) { return ok ? "opened" : strerror(errno); }

static int hold(void)
{
    int fd = memfd_create("probe", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 4096) != 0) {
        perror("memfd");
        return 1;
    }
    char *memory = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    strcpy(memory, secret);
    printf("holding\n");
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    return 0;
}

static void read_all(int fd, const char *where)
{
    char *buffer = malloc(CHUNK);
    for (off_t at = 0; buffer != NULL && at < 64 * CHUNK; at += CHUNK) {
        ssize_t n = pread(fd, buffer, CHUNK, at);
        if (n <= 0) {
            break;
        }
        look(buffer, (size_t)n, where);
    }
    free(buffer);
}

static int attack(int pid, int ranges, char **range)
{
    char path[128];
    snprintf(path, sizeof(path), "/proc/%d/fd", pid);
    DIR *directory = opendir(path);
    printf("fd folder: %s\n", outcome(directory != NULL));
    if (directory != NULL) {
        closedir(directory);
    }

    int opened = 0;
    for (int n = 0; n < 4096; n++) {
        snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, n);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            opened++;
            read_all(fd, "/proc/PID/fd");
            close(fd);
        }
    }
    printf("fds opened: %d\n", opened);

    snprintf(path, sizeof(path), "/proc/%d/map_files", pid);
    directory = opendir(path);
    printf("map_files: %s\n", outcome(directory != NULL));
    if (directory != NULL) {
        closedir(directory);
    }

    snprintf(path, sizeof(path), "/proc/%d/maps", pid);
    int maps = open(path, O_RDONLY | O_CLOEXEC);
    printf("maps: %s\n", outcome(maps >= 0));
    if (maps >= 0) {
        close(maps);
    }

    snprintf(path, sizeof(path), "/proc/%d/mem", pid);
    int mem = open(path, O_RDONLY | O_CLOEXEC);
    printf("mem: %s\n", outcome(mem >= 0));
    int copied = 0;
    for (int i = 0; i < ranges; i++) {
        unsigned long long start, end;
        if (sscanf(range[i], "%llx-%llx", &start, &end) != 2 || end <= start || end - start > 64ull * CHUNK) {
            continue;
        }
        char *buffer = malloc((size_t)(end - start));
        if (buffer == NULL) {
            continue;
        }
        if (mem >= 0) {
            ssize_t n = pread(mem, buffer, (size_t)(end - start), (off_t)start);
            if (n > 0) {
                look(buffer, (size_t)n, "/proc/PID/mem");
            }
        }
        struct iovec local = { buffer, (size_t)(end - start) };
        struct iovec remote = { (void *)(uintptr_t)start, (size_t)(end - start) };
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        if (n > 0) {
            copied = 1;
            look(buffer, (size_t)n, "process_vm_readv");
        }
        free(buffer);
    }
    printf("process_vm_readv: %s\n", copied ? "read" : "denied");
    if (mem >= 0) {
        close(mem);
    }
    printf("secret: %s\n", found ? "found" : "not found");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "hold") == 0) {
        secret = argv[2];
        return hold();
    }
    if (argc >= 4 && strcmp(argv[1], "attack") == 0) {
        secret = argv[3];
        return attack(atoi(argv[2]), argc - 4, argv + 4);
    }
    fprintf(stderr, "usage: proc_probe hold SECRET | proc_probe attack PID SECRET [START-END ...]\n");
    return 2;
}
