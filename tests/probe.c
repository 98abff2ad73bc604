/* tests/probe.c - a small static program the tests run inside namespaces
 * and containers, so that what they check does not depend on which applets
 * busybox or the host happens to have. Linked statically: it runs in any
 * rootfs. Each subcommand asks the kernel one question and prints the
 * answer on one line:
 *
 *   probe pid                 getpid()
 *   probe ps                  the PIDs this process can see in /proc
 *   probe ns TYPE             inode of /proc/self/ns/TYPE
 *   probe status FIELD        the FIELD: line of /proc/self/status
 *   probe orphan              make an orphan that exits; is it reaped?
 *   probe trap CODE           print "ready", exit CODE on SIGTERM
 *   probe sleep SECONDS       sleep (a process to look at)
 *   probe spawn N SECONDS     fork N sleeping children, print their PIDs
 *   probe exit CODE           exit with CODE
 *   probe deny-userns CMD...  exec CMD under a seccomp filter that refuses
 *                             new user namespaces (as docker's profile does)
 *   probe no-ns HEXFLAG CMD...  exec CMD as if the kernel lacked that
 *                             namespace type: unshare/clone with it fail
 *                             with EINVAL (0x80 = CLONE_NEWTIME)
 *   probe clock NAME          seconds on CLOCK_MONOTONIC or CLOCK_BOOTTIME
 *   probe mq-create NAME      create POSIX message queue NAME ("/q")
 *   probe mq-exists NAME      "yes" or "no": can NAME be opened here?
 *   probe mq-unlink NAME      remove it
 *   probe cgroup              /proc/self/cgroup, as the first thing it does
 *   probe memhog MIB          allocate MIB MiB and touch every page; print
 *                             "touched MIB MiB" (an OOM kill stops it first)
 *   probe forkbomb N          fork up to N children that wait; print
 *                             "forked K, then ERRNO-NAME" (or "forked N")
 *   probe cpuburn SECONDS     spin for SECONDS of wall time; print
 *                             "cpu_seconds X wall_seconds Y"
 *   probe bind PORT           bind a TCP socket to 127.0.0.1:PORT: "ok" or
 *                             the errno name (ports < 1024 need
 *                             CAP_NET_BIND_SERVICE)
 *   probe raw-socket          open a raw ICMP socket (needs CAP_NET_RAW)
 *   probe chown PATH UID      chown PATH to UID (another owner: CAP_CHOWN)
 *   probe open PATH r|w|rw    open PATH for reading, writing or both:
 *                             "ok" or the errno name (a device node the
 *                             cgroup denies: EPERM; /proc/PID/mem: EACCES)
 *   probe getfd PID FD        pidfd_getfd(2) of fd FD of process PID:
 *                             "ok" or the errno name
 *   probe fds                 this process's open fds and what each is,
 *                             one "FD TARGET" line each (/proc/self/fd)
 *   probe hunt-mem SECONDS    for SECONDS, look again and again for another
 *                             process without a seccomp filter (Seccomp: 0)
 *                             and try to open its /proc/PID/mem read-write;
 *                             "opened PID" for each success, then "looked
 *                             at N processes" (a runtime's helper caught
 *                             before its filter is the prize)
 *   probe try-syscall NAME    make system call NAME with arguments that make
 *                             it fail harmlessly when it gets through (a bad
 *                             fd, pointer, flag or magic number); print the
 *                             errno name ("EBADF"), or "ok". EPERM from a
 *                             call that would otherwise fail otherwise is
 *                             the filter's answer. NAME is any call the
 *                             default profile denies, or "fork",
 *                             "clone-newuser", "personality-noaslr": see
 *                             try_syscall().
 *
 * Errors go to stderr with exit status 1; bad usage exits 2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void);

static int fail(const char *what)
{
    fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
    return 1;
}

static int number_arg(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);

    if (*text == '\0' || *end != '\0' || value < 0 || value > 100000) {
        fprintf(stderr, "probe: not a number: '%s'\n", text);
        exit(2);
    }
    return (int)value;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int cmd_pid(void)
{
    printf("%d\n", (int)getpid());
    return 0;
}

/* Numeric entries of /proc: the processes of our PID namespace (if /proc
 * is that namespace's), in readdir order, which is PID order. */
static int cmd_ps(void)
{
    DIR *dir = opendir("/proc");
    struct dirent *entry;
    const char *sep = "";

    if (!dir)
        return fail("opendir /proc");
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        printf("%s%s", sep, entry->d_name);
        sep = " ";
    }
    printf("\n");
    closedir(dir);
    return 0;
}

static int cmd_ns(const char *type)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
    if (stat(path, &st) < 0)
        return fail(path);
    printf("%lu\n", (unsigned long)st.st_ino);
    return 0;
}

static int cmd_status(const char *field)
{
    FILE *status = fopen("/proc/self/status", "r");
    size_t length = strlen(field);
    char line[512];

    if (!status)
        return fail("/proc/self/status");
    while (fgets(line, sizeof(line), status)) {
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            fputs(line, stdout);
            fclose(status);
            return 0;
        }
    }
    fclose(status);
    fprintf(stderr, "probe: no field %s in /proc/self/status\n", field);
    return 1;
}

/* State letter of /proc/PID/stat (field 3), or 0 if the process is gone. */
static char process_state(pid_t pid)
{
    char path[64], buf[512], *paren;
    FILE *stat_file;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    stat_file = fopen(path, "r");
    if (!stat_file)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, stat_file);
    fclose(stat_file);
    buf[n] = '\0';
    paren = strrchr(buf, ')'); /* the command name may hold spaces */
    return (paren && paren[1] == ' ') ? paren[2] : 0;
}

/* Fork a child that forks a grandchild and exits at once: the grandchild
 * is orphaned and re-parented to PID 1 (of our PID namespace). It exits
 * too. Does somebody reap it? Print "orphan reaped" or "orphan zombie"
 * after watching it for up to one second. */
static int cmd_orphan(void)
{
    int pipefd[2];
    pid_t child, orphan;

    if (pipe(pipefd) < 0)
        return fail("pipe");
    child = fork();
    if (child < 0)
        return fail("fork");
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            sleep_ms(50); /* let our parent exit first: now we are orphans */
            _exit(0);
        }
        if (write(pipefd[1], &grandchild, sizeof(grandchild)) < 0)
            _exit(1);
        _exit(0);
    }
    close(pipefd[1]);
    if (read(pipefd[0], &orphan, sizeof(orphan)) != sizeof(orphan))
        return fail("read orphan PID");
    waitpid(child, NULL, 0); /* the orphan's parent: ours to reap */

    for (int i = 0; i < 100; i++) {
        char state = process_state(orphan);
        if (state == 0) {
            printf("orphan reaped\n");
            return 0;
        }
        if (state == 'Z' && i >= 20) /* zombie for 200+ ms after its exit */
            break;
        sleep_ms(10);
    }
    printf("orphan zombie\n");
    return 0;
}

static int trap_exit_code;

static void on_sigterm(int sig)
{
    (void)sig;
    _exit(trap_exit_code);
}

/* Exit with CODE on SIGTERM; otherwise wait at most 30 seconds. */
static int cmd_trap(const char *code)
{
    trap_exit_code = number_arg(code);
    signal(SIGTERM, on_sigterm);
    printf("ready\n");
    fflush(stdout);
    sleep_ms(30000);
    return 1;
}

static int cmd_sleep(const char *seconds)
{
    printf("ready\n");
    fflush(stdout);
    sleep_ms(1000L * number_arg(seconds));
    return 0;
}

/* N children that each sleep SECONDS; print their PIDs, then sleep too. */
static int cmd_spawn(const char *count_text, const char *seconds)
{
    int count = number_arg(count_text);
    long ms = 1000L * number_arg(seconds);

    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return fail("fork");
        if (pid == 0) {
            sleep_ms(ms);
            _exit(0);
        }
        printf("%d ", (int)pid);
    }
    printf("\nready\n");
    fflush(stdout);
    sleep_ms(ms);
    return 0;
}

/* A classic BPF seccomp filter, no libseccomp needed: clone3 fails with
 * ENOSYS (its flags live in memory a filter cannot read, so libc falls
 * back to clone), and clone or unshare with FLAG set fail with ERR. Then
 * exec COMMAND. See seccomp(2). */
static int exec_with_namespace_filter(unsigned flag, int err, char **command)
{
#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif
#ifdef PROBE_AUDIT_ARCH
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, flag, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {
        .len = sizeof(filter) / sizeof(filter[0]),
        .filter = filter,
    };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail("prctl(PR_SET_NO_NEW_PRIVS)");
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0)
        return fail("prctl(PR_SET_SECCOMP)");
    execvp(command[0], command);
    return fail(command[0]);
#else
    (void)flag;
    (void)err;
    (void)command;
    fprintf(stderr, "probe: namespace filters: unsupported architecture\n");
    return 1;
#endif
}

static int cmd_clock(const char *name)
{
    struct timespec now;
    clockid_t id;

    if (strcmp(name, "monotonic") == 0)
        id = CLOCK_MONOTONIC;
    else if (strcmp(name, "boottime") == 0)
        id = CLOCK_BOOTTIME;
    else
        return usage();
    if (clock_gettime(id, &now) < 0)
        return fail("clock_gettime");
    printf("%ld\n", (long)now.tv_sec);
    return 0;
}

/* POSIX message queues live in the caller's IPC namespace. */
static int cmd_mq(const char *action, const char *name)
{
    mqd_t queue;

    if (strcmp(action, "mq-unlink") == 0)
        return mq_unlink(name) < 0 ? fail(name) : 0;
    if (strcmp(action, "mq-create") == 0) {
        queue = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
        if (queue == (mqd_t)-1)
            return fail(name);
        mq_close(queue);
        return 0;
    }
    queue = mq_open(name, O_RDONLY);
    if (queue == (mqd_t)-1 && errno != ENOENT)
        return fail(name);
    printf("%s\n", queue == (mqd_t)-1 ? "no" : "yes");
    if (queue != (mqd_t)-1)
        mq_close(queue);
    return 0;
}

/* Print /proc/self/cgroup before doing anything else: where the process
 * is at its very first instructions (cgctl run puts it there first). */
static int cmd_cgroup(void)
{
    char buf[4096];
    ssize_t n;
    int fd = open("/proc/self/cgroup", O_RDONLY);

    if (fd < 0)
        return fail("/proc/self/cgroup");
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (write(STDOUT_FILENO, buf, (size_t)n) != n)
            return fail("write");
    close(fd);
    return 0;
}

/* Touch every page, so the memory is really charged (malloc alone is not). */
static int cmd_memhog(const char *mib_text)
{
    size_t bytes = (size_t)number_arg(mib_text) << 20;
    long page = sysconf(_SC_PAGESIZE);
    char *memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (memory == MAP_FAILED)
        return fail("mmap");
    for (size_t i = 0; i < bytes; i += (size_t)page)
        memory[i] = 1;
    printf("touched %s MiB\n", mib_text);
    return 0;
}

/* Children block on a pipe until the parent is done, so they all exist at
 * once; they exit when it closes. */
static int cmd_forkbomb(const char *count_text)
{
    int limit = number_arg(count_text), forked = 0, err = 0, hold[2];

    if (pipe(hold) < 0)
        return fail("pipe");
    for (; forked < limit; forked++) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            char byte;
            close(hold[1]);
            while (read(hold[0], &byte, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
    }
    if (err)
        printf("forked %d, then %s\n", forked, strerrorname_np(err));
    else
        printf("forked %d\n", forked);
    fflush(stdout);
    close(hold[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}

static double seconds_of(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static int cmd_cpuburn(const char *seconds_text)
{
    struct timespec start, now;
    struct rusage usage;
    double wall = 0, limit = atof(seconds_text);
    volatile unsigned long spin = 0;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (wall < limit) {
        for (int i = 0; i < 100000; i++)
            spin++;
        clock_gettime(CLOCK_MONOTONIC, &now);
        wall = (double)(now.tv_sec - start.tv_sec) +
               (double)(now.tv_nsec - start.tv_nsec) / 1e9;
    }
    getrusage(RUSAGE_SELF, &usage);
    printf("cpu_seconds %.3f wall_seconds %.3f\n",
           seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime), wall);
    return 0;
}

/* Each call is made so that, let through, it fails without effect:
 * root runs these unfiltered too, to show the errno the filter replaces. */
static long try_syscall(const char *name)
{
    static char path[] = "/ctlab-no-such-path";
    long bad = -1;

    if (strcmp(name, "kexec_load") == 0)
        return syscall(SYS_kexec_load, 0, 0, NULL, 0xdeadbeefUL); /* EINVAL */
    if (strcmp(name, "kexec_file_load") == 0)
        return syscall(SYS_kexec_file_load, bad, bad, 0, NULL, 0); /* EBADF */
    if (strcmp(name, "init_module") == 0)
        return syscall(SYS_init_module, NULL, 0, ""); /* EFAULT/ENOEXEC */
    if (strcmp(name, "finit_module") == 0)
        return syscall(SYS_finit_module, bad, "", 0); /* EBADF */
    if (strcmp(name, "delete_module") == 0)
        return syscall(SYS_delete_module, "ctlab_no_such_module", 0);
    if (strcmp(name, "mount") == 0)
        return syscall(SYS_mount, path, path, "ctlab-no-such-fs", 0, NULL);
    if (strcmp(name, "umount2") == 0)
        return syscall(SYS_umount2, path, 0); /* ENOENT */
    if (strcmp(name, "pivot_root") == 0)
        return syscall(SYS_pivot_root, path, path); /* ENOENT */
    /* The new mount API. fsopen, fspick, fsmount and move_mount check
     * CAP_SYS_ADMIN first (EPERM without it, as for kexec_load), then
     * their flags or fd; the others look at their arguments first. */
    if (strcmp(name, "fsopen") == 0)
        return syscall(SYS_fsopen, "tmpfs", 0xdead0000U); /* EINVAL */
    if (strcmp(name, "fsconfig") == 0)
        return syscall(SYS_fsconfig, bad, 0, NULL, NULL, 0); /* EINVAL */
    if (strcmp(name, "fsmount") == 0)
        return syscall(SYS_fsmount, bad, 0, 0); /* EBADF */
    if (strcmp(name, "fspick") == 0)
        return syscall(SYS_fspick, bad, path, 0xdead0000U); /* EINVAL */
    if (strcmp(name, "move_mount") == 0)
        return syscall(SYS_move_mount, bad, path, bad, path, 0xdead0000U);
    if (strcmp(name, "open_tree") == 0) /* no OPEN_TREE_CLONE: no mount */
        return syscall(SYS_open_tree, bad, "x", 0); /* EBADF */
    /* open_tree_attr is 467 everywhere (Linux 6.15; ENOSYS before) */
    if (strcmp(name, "open_tree_attr") == 0)
        return syscall(467, bad, "x", 0, NULL, 0); /* EBADF */
    if (strcmp(name, "mount_setattr") == 0)
        return syscall(SYS_mount_setattr, bad, path, 0, NULL, 0); /* size 0 */
    if (strcmp(name, "unshare") == 0)
        return syscall(SYS_unshare, 0x1); /* not a CLONE_NEW* flag: EINVAL */
    if (strcmp(name, "setns") == 0)
        return syscall(SYS_setns, bad, 0); /* EBADF */
    if (strcmp(name, "clone3") == 0)
        return syscall(SYS_clone3, NULL, 0); /* EINVAL */
    if (strcmp(name, "keyctl") == 0)
        return syscall(SYS_keyctl, 0xdead, 0, 0, 0, 0); /* EOPNOTSUPP */
    if (strcmp(name, "add_key") == 0)
        return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0); /* EFAULT */
    if (strcmp(name, "request_key") == 0)
        return syscall(SYS_request_key, NULL, NULL, NULL, 0); /* EFAULT */
    if (strcmp(name, "bpf") == 0)
        return syscall(SYS_bpf, 0xdead, NULL, 0); /* EINVAL */
    if (strcmp(name, "perf_event_open") == 0)
        return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0); /* EFAULT */
    if (strcmp(name, "ptrace") == 0)
        return syscall(SYS_ptrace, 0xdead, 0, NULL, NULL); /* EIO/ESRCH */
    if (strcmp(name, "process_vm_readv") == 0)
        return syscall(SYS_process_vm_readv, 0, NULL, 0, NULL, 0, 0);
    if (strcmp(name, "process_vm_writev") == 0)
        return syscall(SYS_process_vm_writev, 0, NULL, 0, NULL, 0, 0);
    if (strcmp(name, "open_by_handle_at") == 0)
        return syscall(SYS_open_by_handle_at, bad, NULL, 0); /* EBADF */
    if (strcmp(name, "reboot") == 0)
        return syscall(SYS_reboot, 0, 0, 0, NULL); /* bad magic: EINVAL */
    if (strcmp(name, "swapon") == 0)
        return syscall(SYS_swapon, path, 0); /* ENOENT */
    if (strcmp(name, "swapoff") == 0)
        return syscall(SYS_swapoff, path); /* ENOENT */
    if (strcmp(name, "acct") == 0)
        return syscall(SYS_acct, path); /* ENOENT (never NULL: that is "off") */
    if (strcmp(name, "quotactl") == 0)
        return syscall(SYS_quotactl, 0, path, 0, NULL); /* EINVAL/ENOENT */
    if (strcmp(name, "settimeofday") == 0)
        return syscall(SYS_settimeofday, (void *)1, NULL); /* EFAULT */
    if (strcmp(name, "clock_settime") == 0)
        return syscall(SYS_clock_settime, 0xdead, NULL); /* EINVAL */
    /* adjtimex reads its struct first, even to only read the clock */
    if (strcmp(name, "adjtimex") == 0)
        return syscall(SYS_adjtimex, NULL); /* EFAULT */
    if (strcmp(name, "clock_adjtime") == 0)
        return syscall(SYS_clock_adjtime, 0, NULL); /* EFAULT */
    if (strcmp(name, "userfaultfd") == 0)
        return syscall(SYS_userfaultfd, 0xdead); /* EINVAL */
    if (strcmp(name, "io_uring_setup") == 0)
        return syscall(SYS_io_uring_setup, 0, NULL); /* EINVAL/EFAULT */
    if (strcmp(name, "io_uring_enter") == 0)
        return syscall(SYS_io_uring_enter, bad, 0, 0, 0, NULL, 0); /* EBADF */
    if (strcmp(name, "io_uring_register") == 0)
        return syscall(SYS_io_uring_register, bad, 0, NULL, 0); /* EBADF */
    if (strcmp(name, "personality-noaslr") == 0) /* ADDR_NO_RANDOMIZE */
        return syscall(SYS_personality, 0x0040000);
    if (strcmp(name, "personality") == 0) /* PER_LINUX: changes nothing */
        return syscall(SYS_personality, 0);
    if (strcmp(name, "clone-newuser") == 0 || strcmp(name, "fork") == 0) {
        /* A real child: in a new user namespace, or plain. */
        int status;
        long pid =
            syscall(SYS_clone, (name[0] == 'c' ? 0x10000000L : 0) | SIGCHLD,
                    NULL, NULL, NULL, 0);
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid((pid_t)pid, &status, 0);
        return pid < 0 ? -1 : 0;
    }
    if (strcmp(name, "getpid") == 0)
        return syscall(SYS_getpid) > 0 ? 0 : -1;
    errno = ENOSYS;
    fprintf(stderr, "probe: try-syscall: no recipe for '%s'\n", name);
    exit(2);
}

/* The capability checks, each a real call; the answer is "ok" or why not. */
static int print_result(int rc)
{
    printf("%s\n", rc < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}

static int cmd_bind(const char *port)
{
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_port = htons((uint16_t)atoi(port)),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0)
        return print_result(-1);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    return print_result(bind(fd, (struct sockaddr *)&address, sizeof(address)));
}

static int cmd_raw_socket(void)
{
    return print_result(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
}

static int cmd_chown(const char *path, const char *uid)
{
    return print_result(chown(path, (uid_t)atoi(uid), (gid_t)-1));
}

static int cmd_open(const char *path, const char *mode)
{
    int flags = strcmp(mode, "rw") == 0  ? O_RDWR
                : strcmp(mode, "w") == 0 ? O_WRONLY
                                         : O_RDONLY;

    return print_result(open(path, flags | O_NOCTTY | O_CLOEXEC));
}

static int cmd_getfd(const char *pid, const char *fd)
{
    int pidfd = (int)syscall(SYS_pidfd_open, atoi(pid), 0);

    if (pidfd < 0)
        return print_result(-1);
    return print_result((int)syscall(SYS_pidfd_getfd, pidfd, atoi(fd), 0));
}

static int cmd_fds(void)
{
    char path[300], target[4096];
    struct dirent *entry;
    DIR *d = opendir("/proc/self/fd");
    ssize_t n;

    if (!d)
        return fail("open /proc/self/fd");
    while ((entry = readdir(d))) {
        if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(d))
            continue;
        snprintf(path, sizeof(path), "/proc/self/fd/%s", entry->d_name);
        n = readlink(path, target, sizeof(target) - 1);
        target[n < 0 ? 0 : n] = '\0';
        printf("%s %s\n", entry->d_name, target);
    }
    closedir(d);
    return 0;
}

/* Is PID's "Seccomp:" line 0 (no filter)? */
static int unfiltered(const char *pid)
{
    char path[300], line[256];
    int found = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%s/status", pid);
    f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "Seccomp:", 8) == 0)
            found = atoi(line + 8) == 0;
    fclose(f);
    return found;
}

static int cmd_hunt_mem(const char *seconds)
{
    struct timespec start, now;
    long looked = 0;
    char self[32], path[300];

    snprintf(self, sizeof(self), "%d", (int)getpid());
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        DIR *d = opendir("/proc");
        struct dirent *entry;

        while (d && (entry = readdir(d))) {
            int fd;

            if (entry->d_name[0] < '1' || entry->d_name[0] > '9' ||
                strcmp(entry->d_name, self) == 0 || !unfiltered(entry->d_name))
                continue;
            looked++;
            /* Open first, then look again: a filter is never removed, so
             * still none after the open means none at the open. */
            snprintf(path, sizeof(path), "/proc/%s/mem", entry->d_name);
            fd = open(path, O_RDWR | O_CLOEXEC);
            if (fd >= 0 && unfiltered(entry->d_name)) {
                printf("opened %s\n", entry->d_name);
                fflush(stdout);
            }
            if (fd >= 0)
                close(fd);
        }
        if (d)
            closedir(d);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < atoi(seconds));
    printf("looked at %ld processes\n", looked);
    return 0;
}

static int cmd_try_syscall(const char *name)
{
    long rc = try_syscall(name);

    printf("%s\n", rc < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: probe pid | ps | ns TYPE | status FIELD | orphan "
                    "| trap CODE | sleep S | spawn N S | exit CODE | "
                    "deny-userns CMD... | no-ns HEX CMD... | clock NAME | "
                    "mq-create|mq-exists|mq-unlink NAME | cgroup | memhog MIB "
                    "| forkbomb N | cpuburn SECONDS | try-syscall NAME | "
                    "bind PORT | raw-socket | chown PATH UID | open PATH "
                    "r|w|rw | getfd PID FD | fds | hunt-mem SECONDS\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    int nargs = argc - 2;

    if (strcmp(cmd, "pid") == 0 && nargs == 0)
        return cmd_pid();
    if (strcmp(cmd, "ps") == 0 && nargs == 0)
        return cmd_ps();
    if (strcmp(cmd, "ns") == 0 && nargs == 1)
        return cmd_ns(argv[2]);
    if (strcmp(cmd, "status") == 0 && nargs == 1)
        return cmd_status(argv[2]);
    if (strcmp(cmd, "orphan") == 0 && nargs == 0)
        return cmd_orphan();
    if (strcmp(cmd, "trap") == 0 && nargs == 1)
        return cmd_trap(argv[2]);
    if (strcmp(cmd, "sleep") == 0 && nargs == 1)
        return cmd_sleep(argv[2]);
    if (strcmp(cmd, "spawn") == 0 && nargs == 2)
        return cmd_spawn(argv[2], argv[3]);
    if (strcmp(cmd, "exit") == 0 && nargs == 1)
        return number_arg(argv[2]) & 0xff;
    if (strcmp(cmd, "deny-userns") == 0 && nargs >= 1)
        return exec_with_namespace_filter(CLONE_NEWUSER, EPERM, argv + 2);
    if (strcmp(cmd, "no-ns") == 0 && nargs >= 2)
        return exec_with_namespace_filter((unsigned)strtoul(argv[2], NULL, 16),
                                          EINVAL, argv + 3);
    if (strcmp(cmd, "clock") == 0 && nargs == 1)
        return cmd_clock(argv[2]);
    if (strncmp(cmd, "mq-", 3) == 0 && nargs == 1)
        return cmd_mq(cmd, argv[2]);
    if (strcmp(cmd, "cgroup") == 0 && nargs == 0)
        return cmd_cgroup();
    if (strcmp(cmd, "memhog") == 0 && nargs == 1)
        return cmd_memhog(argv[2]);
    if (strcmp(cmd, "forkbomb") == 0 && nargs == 1)
        return cmd_forkbomb(argv[2]);
    if (strcmp(cmd, "cpuburn") == 0 && nargs == 1)
        return cmd_cpuburn(argv[2]);
    if (strcmp(cmd, "try-syscall") == 0 && nargs == 1)
        return cmd_try_syscall(argv[2]);
    if (strcmp(cmd, "bind") == 0 && nargs == 1)
        return cmd_bind(argv[2]);
    if (strcmp(cmd, "raw-socket") == 0 && nargs == 0)
        return cmd_raw_socket();
    if (strcmp(cmd, "chown") == 0 && nargs == 2)
        return cmd_chown(argv[2], argv[3]);
    if (strcmp(cmd, "open") == 0 && nargs == 2)
        return cmd_open(argv[2], argv[3]);
    if (strcmp(cmd, "getfd") == 0 && nargs == 2)
        return cmd_getfd(argv[2], argv[3]);
    if (strcmp(cmd, "fds") == 0 && nargs == 0)
        return cmd_fds();
    if (strcmp(cmd, "hunt-mem") == 0 && nargs == 1)
        return cmd_hunt_mem(argv[2]);
    return usage();
}
