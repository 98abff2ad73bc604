/* doctor/checks.c - what this machine can do for the labs, found by trying.
 *
 * Each check asks the kernel for real -- creates the namespace, mounts the
 * overlay, loads a seccomp filter, calls pivot_root -- in a forked child
 * that throws the result away, because a kernel version or a config file
 * says what might work, not what does: a sysctl, a seccomp profile, an LSM
 * or a container around us can forbid any of it.
 *
 * One line per item: OK, WARN (a lab or two will skip or need a tweak) or
 * FAIL (the labs need it), with a hint for anything not OK.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"
#include "err.h"
#include "file.h"
#include "syscalls.h"
#include "userns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

enum verdict { OK, WARN, FAIL };

static int failures;

/* One result line: "OK    item: detail" plus "      hint: ..." */
static void report(enum verdict verdict, const char *item, const char *hint,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(enum verdict verdict, const char *item, const char *hint,
                   const char *fmt, ...)
{
    static const char *const names[] = {"OK", "WARN", "FAIL"};
    va_list ap;

    printf("%-5s %-22s ", names[verdict], item);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (verdict != OK && hint)
        printf("      %-22s hint: %s\n", "", hint);
    if (verdict == FAIL)
        failures++;
}

/* Run FN in a forked child and return what it returned (0 = worked), or
 * an errno-like positive number. The child's changes -- namespaces,
 * mounts, filters -- die with it. */
static int try_in_child(int (*fn)(void *), void *arg)
{
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(fn(arg) & 0xff);
    if (waitpid(pid, &status, 0) < 0)
        return errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/* --- the kernel ---------------------------------------------------------*/

static void check_kernel(void)
{
    struct utsname uts;
    int major = 0, minor = 0;

    uname(&uts);
    sscanf(uts.release, "%d.%d", &major, &minor);
    if (major < 4 || (major == 4 && minor < 18))
        report(FAIL, "kernel", "the labs need Linux 4.18 or newer",
               "%s is too old", uts.release);
    else if (major < 5 || (major == 5 && minor < 11))
        report(WARN, "kernel",
               "5.11+ for rootless overlayfs, 5.8+ for setns with a pidfd",
               "%s works; newer kernels show more", uts.release);
    else
        report(OK, "kernel", NULL, "%s (%s)", uts.release, uts.machine);
}

static void check_root(void)
{
    if (geteuid() == 0)
        report(OK, "root", NULL, "running as root");
    else
        report(WARN, "root", "run `sudo make doctor` to check what root can do",
               "not root (uid %d): chapters 02, 05, 06 and minictr need root",
               (int)geteuid());
}

/* --- namespaces ---------------------------------------------------------*/

static const struct {
    int flag;
    const char *name;
} namespace_types[] = {
    {CLONE_NEWPID, "pid"},       {CLONE_NEWNET, "net"},
    {CLONE_NEWNS, "mnt"},        {CLONE_NEWUTS, "uts"},
    {CLONE_NEWIPC, "ipc"},       {CLONE_NEWUSER, "user"},
    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"},
};

/* As root, unshare(FLAG) directly; otherwise inside a new user namespace,
 * which is how the rootless labs do it. */
static int try_unshare(void *arg)
{
    int flag = *(int *)arg;

    if (geteuid() != 0 && flag != CLONE_NEWUSER) {
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER) < 0 || map_root_to_ids(0, uid, gid) < 0)
            return errno;
    }
    return unshare(flag) < 0 ? errno : 0;
}

static void check_namespaces(void)
{
    char ok[128] = "", missing[128] = "";
    int err = 0;

    for (unsigned i = 0;
         i < sizeof(namespace_types) / sizeof(namespace_types[0]); i++) {
        int flag = namespace_types[i].flag;
        int result = try_in_child(try_unshare, &flag);
        char *list = result == 0 ? ok : missing;
        if (result)
            err = result;
        strcat(list, " ");
        strcat(list, namespace_types[i].name);
    }
    if (missing[0] == '\0')
        report(OK, "namespaces", NULL, "all work:%s", ok);
    else
        report(FAIL, "namespaces",
               "a kernel built without them (CONFIG_*_NS), or a seccomp "
               "profile around this shell",
               "cannot create:%s (%s)", missing, strerror(err));
}

/* As an unprivileged user: root drops to nobody first. */
static int try_unprivileged_userns(void *arg)
{
    (void)arg;
    if (geteuid() == 0 &&
        (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
        return errno;
    /* Changing uid clears the "dumpable" flag, which makes the files
     * in /proc/self owned by root: we could not write our maps. Reset it. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (unshare(CLONE_NEWUSER) < 0)
        return errno;
    return map_root_to_ids(0, 65534, 65534) < 0 ? errno : 0;
}

static void check_unprivileged_userns(void)
{
    char max[32] = "?", clone[32] = "", apparmor[32] = "";
    char detail[160];
    int result;

    read_first_line("/proc/sys/user/max_user_namespaces", max, sizeof(max));
    read_first_line("/proc/sys/kernel/unprivileged_userns_clone", clone,
                    sizeof(clone));
    read_first_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
                    apparmor, sizeof(apparmor));
    snprintf(detail, sizeof(detail), "user.max_user_namespaces=%s%s%s%s%s", max,
             clone[0] ? " kernel.unprivileged_userns_clone=" : "", clone,
             apparmor[0] ? " kernel.apparmor_restrict_unprivileged_userns="
                         : "",
             apparmor);

    result = try_in_child(try_unprivileged_userns, NULL);
    if (result == 0)
        report(OK, "unprivileged userns", NULL, "work (%s)", detail);
    else
        report(WARN, "unprivileged userns",
               strcmp(apparmor, "1") == 0
                   ? "Ubuntu: sudo sysctl kernel.apparmor_restrict_"
                     "unprivileged_userns=0"
               : strcmp(clone, "0") == 0
                   ? "sudo sysctl kernel.unprivileged_userns_clone=1"
                   : "sudo sysctl user.max_user_namespaces=15000",
               "refused: %s (%s); rootless labs will skip", strerror(result),
               detail);
}

/* newuidmap/newgidmap are setuid helpers that map ranges from
 * /etc/subuid and /etc/subgid (shadow's uidmap package). */
static bool user_has_subid_range(const char *file, const char *user)
{
    char line[256];
    size_t length = strlen(user);
    bool found = false;
    FILE *f = fopen(file, "r");

    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f))
        found = strncmp(line, user, length) == 0 && line[length] == ':';
    fclose(f);
    return found;
}

static void check_subids(void)
{
    const char *user = getenv("SUDO_USER");
    struct passwd *pw;
    struct stat st;

    if (!user || !*user) {
        pw = getpwuid(getuid());
        user = pw ? pw->pw_name : "?";
    }
    if (stat("/usr/bin/newuidmap", &st) < 0 ||
        stat("/usr/bin/newgidmap", &st) < 0) {
        report(WARN, "newuidmap/newgidmap", "sudo apt-get install uidmap",
               "not installed: `userns --subids` will not work");
        return;
    }
    if (user_has_subid_range("/etc/subuid", user) &&
        user_has_subid_range("/etc/subgid", user))
        report(OK, "newuidmap/newgidmap", NULL,
               "installed; %s has ranges in /etc/subuid and /etc/subgid", user);
    else
        report(WARN, "newuidmap/newgidmap",
               "sudo usermod --add-subuids 100000-165535 --add-subgids "
               "100000-165535 USER",
               "installed, but %s has no /etc/subuid + /etc/subgid range",
               user);
}

/* --- cgroups ------------------------------------------------------------*/

/* The controllers the labs limit; where each one can be used. */
static const char *const lab_controllers[] = {"cpu", "memory", "pids", "cpuset",
                                              "io"};

/* Where is the cgroup2 mount, and which v1 hierarchies are mounted?
 * Read from /proc/self/mountinfo (proc(5)): the file system type follows
 * the " - " separator, v1 super options name the controller. */
static void find_cgroup_mounts(char *v2_mount, size_t v2_size, char *v1_list,
                               size_t v1_size)
{
    char line[1024], mount_point[256], fstype[32], source[64], options[512];
    FILE *f = fopen("/proc/self/mountinfo", "r");

    v2_mount[0] = v1_list[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %*s %255s", mount_point) != 1 ||
            sscanf(dash, " - %31s %63s %511s", fstype, source, options) != 3)
            continue;
        if (strcmp(fstype, "cgroup2") == 0 && !v2_mount[0])
            snprintf(v2_mount, v2_size, "%s", mount_point);
        else if (strcmp(fstype, "cgroup") == 0)
            snprintf(v1_list + strlen(v1_list), v1_size - strlen(v1_list),
                     "%s,%s,", mount_point, options);
    }
    fclose(f);
}

/* Is CONTROLLER listed in the v2 root's cgroup.controllers? */
static bool v2_has_controller(const char *v2_mount, const char *controller)
{
    char path[300], list[512], *word, *save;

    snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_mount);
    if (read_first_line(path, list, sizeof(list)) < 0)
        return false;
    for (word = strtok_r(list, " ", &save); word;
         word = strtok_r(NULL, " ", &save))
        if (strcmp(word, controller) == 0)
            return true;
    return false;
}

/* Is CONTROLLER the option of some v1 mount? ("io" is "blkio" in v1.) */
static bool v1_has_controller(const char *v1_list, const char *controller)
{
    char needle[40];

    snprintf(needle, sizeof(needle), ",%s,",
             strcmp(controller, "io") == 0 ? "blkio" : controller);
    return strstr(v1_list, needle) != NULL;
}

static void check_cgroups(void)
{
    char v2_mount[256], v1_list[4096], where[512] = "";
    bool any_v1 = false, any_v2 = false, missing_core = false;
    const char *mode;

    find_cgroup_mounts(v2_mount, sizeof(v2_mount), v1_list, sizeof(v1_list));
    for (unsigned i = 0; i < sizeof(lab_controllers) / sizeof(char *); i++) {
        const char *c = lab_controllers[i];
        const char *place = "none";
        if (v2_mount[0] && v2_has_controller(v2_mount, c)) {
            place = "v2";
            any_v2 = true;
        } else if (v1_has_controller(v1_list, c)) {
            place = "v1";
            any_v1 = true;
        } else if (i < 3) {
            missing_core = true; /* cpu, memory, pids */
        }
        snprintf(where + strlen(where), sizeof(where) - strlen(where),
                 "%s%s=%s", i ? " " : "", c, place);
    }

    if (v1_list[0] && v2_mount[0])
        mode = "hybrid";
    else if (v1_list[0])
        mode = "v1";
    else if (v2_mount[0])
        mode = "v2";
    else
        mode = "none";
    report(strcmp(mode, "none") == 0 ? FAIL : OK, "cgroup mode",
           "mount a cgroup2 file system on /sys/fs/cgroup", "%s (v2 at %s)",
           mode, v2_mount[0] ? v2_mount : "-");
    if (v2_mount[0] && !any_v2) {
        char controllers[256] = "";
        char path[300];
        snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_mount);
        read_first_line(path, controllers, sizeof(controllers));
        report(OK, "cgroup v2 controllers", NULL,
               "only \"%s\": cpu, memory and pids are v1 here", controllers);
    }
    report(missing_core ? FAIL : OK, "cgroup controllers",
           "enable cpu, memory and pids (kernel config, or boot with "
           "systemd.unified_cgroup_hierarchy=1)",
           "%s%s", where, any_v1 && any_v2 ? " (mixed)" : "");
}

/* --- file systems and syscalls ------------------------------------------*/

/* Mount an overlay on a fresh tmpfs, in a private mount namespace (inside
 * a new user namespace too when ARG is non-NULL), and write through it. */
static int try_overlay(void *arg)
{
    char opts[128];
    int fd;

    if (arg) {
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER) < 0 || map_root_to_ids(0, uid, gid) < 0)
            return errno;
    }
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return errno;
    /* Everything lives on a tmpfs that vanishes with this namespace. */
    if (mount("ctlab-doctor", "/tmp", "tmpfs", 0, "size=1m") < 0)
        return errno;
    if (mkdir("/tmp/l", 0755) < 0 || mkdir("/tmp/u", 0755) < 0 ||
        mkdir("/tmp/w", 0755) < 0 || mkdir("/tmp/m", 0755) < 0)
        return errno;
    snprintf(opts, sizeof(opts),
             "lowerdir=/tmp/l,upperdir=/tmp/u,"
             "workdir=/tmp/w%s",
             arg ? ",userxattr" : "");
    if (mount("overlay", "/tmp/m", "overlay", 0, opts) < 0)
        return errno;
    fd = open("/tmp/m/file", O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        return errno;
    close(fd);
    return access("/tmp/u/file", F_OK) < 0 ? errno : 0;
}

static void check_overlay(void)
{
    int plain = geteuid() == 0 ? try_in_child(try_overlay, NULL) : EPERM;
    int in_userns = try_in_child(try_overlay, "userns");

    if (geteuid() != 0)
        report(WARN, "overlayfs", "run as root to check", "not checked");
    else if (plain)
        report(FAIL, "overlayfs", "sudo modprobe overlay", "cannot mount: %s",
               strerror(plain));
    else
        report(OK, "overlayfs", NULL, "mounts and copies up");
    if (in_userns)
        report(WARN, "overlayfs in userns", "needs Linux 5.11+",
               "refused: %s; rootless overlay labs will skip",
               strerror(in_userns));
    else
        report(OK, "overlayfs in userns", NULL, "mounts with userxattr");
}

/* Load an allow-everything filter: seccomp filter mode works if the kernel
 * takes it. */
static int try_seccomp(void *arg)
{
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog program = {.len = 1, .filter = &allow};

    (void)arg;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return errno;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0 ? errno : 0;
}

static void check_seccomp(void)
{
    char mode[64] = "";
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    int result;

    while (status && fgets(line, sizeof(line), status))
        if (sscanf(line, "Seccomp: %63s", mode) == 1)
            break;
    if (status)
        fclose(status);
    result = try_in_child(try_seccomp, NULL);
    if (result)
        report(FAIL, "seccomp filters", "a kernel with CONFIG_SECCOMP_FILTER=y",
               "refused: %s", strerror(result));
    else
        report(OK, "seccomp filters", NULL, "load (this shell's own mode: %s)",
               mode[0] ? mode : "?");
}

/* pivot_root(2) fails with EINVAL on the initramfs "rootfs", which can
 * never be unmounted; try it in a private mount namespace on a tmpfs. */
static int try_pivot_root(void *arg)
{
    (void)arg;
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("ctlab-doctor", "/tmp", "tmpfs", 0, "size=1m") < 0 ||
        mkdir("/tmp/old", 0755) < 0 || chdir("/tmp") < 0)
        return errno;
    return sys_pivot_root(".", "old") < 0 ? errno : 0;
}

static void check_pivot_root(void)
{
    int result;

    if (geteuid() != 0) {
        report(WARN, "pivot_root", "run as root to check",
               "not checked (needs root)");
        return;
    }
    result = try_in_child(try_pivot_root, NULL);
    if (result)
        report(FAIL, "pivot_root",
               result == EINVAL ? "the root is an initramfs: boot a real "
                                  "root file system"
                                : NULL,
               "refused: %s", strerror(result));
    else
        report(OK, "pivot_root", NULL, "works in a new mount namespace");
}

int doctor_run(void)
{
    failures = 0;
    check_kernel();
    check_root();
    check_namespaces();
    check_unprivileged_userns();
    check_subids();
    check_cgroups();
    check_overlay();
    check_seccomp();
    check_pivot_root();
    return failures;
}
