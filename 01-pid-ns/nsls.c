/* 01-pid-ns/nsls.c - list a process's namespaces, or compare two.
 *
 * Every process has one namespace of each type; /proc/PID/ns/TYPE is a
 * handle to it, and its inode number is the namespace's identity: two
 * processes share a namespace exactly when those inodes are equal. This is
 * the C version of comparing `ls -la /proc/PID/ns` or `readlink
 * /proc/PID/ns/pid` by eye:
 *
 *     ./nsls                  # this process
 *     sudo ./nsls 1 4242      # which namespaces do PID 1 and 4242 share?
 *
 * pid_for_children and time_for_children are where the process's next
 * children will go: after unshare(CLONE_NEWPID) they differ from "pid".
 *
 * Read: namespaces(7) ("The /proc/[pid]/ns/ directory"), stat(2).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "err.h"
#include "parse.h"

#define MAX_NS_TYPES 16 /* Linux 6.x has 10 entries in /proc/PID/ns */

struct ns_entry {
    char type[32]; /* "pid", "net", ... */
    ino_t inode;   /* the namespace's identity */
};

struct ns_list {
    char pid[16]; /* "self" or a number, as given */
    int count;
    struct ns_entry entries[MAX_NS_TYPES];
};

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct ns_entry *)a)->type,
                  ((const struct ns_entry *)b)->type);
}

/* Read /proc/PID/ns: one stat(2) per entry. stat, not lstat: the entries
 * are magic links, and following one yields the namespace's own inode on
 * the nsfs file system. */
static int read_namespaces(const char *pid, struct ns_list *list)
{
    char dir_path[64];
    struct dirent *entry;
    struct stat st;
    DIR *dir;
    int ret = -1;

    snprintf(list->pid, sizeof(list->pid), "%s", pid);
    snprintf(dir_path, sizeof(dir_path), "/proc/%s/ns", pid);
    dir = opendir(dir_path);
    if (!dir) {
        if (errno == ENOENT)
            return error_msg("no process with PID %s", pid);
        return error_errno("open %s%s", dir_path,
                           errno == EACCES ? " (another user's process: "
                                             "run as root)"
                                           : "");
    }
    list->count = 0;
    while ((entry = readdir(dir)) != NULL) {
        struct ns_entry *ns = &list->entries[list->count];
        if (entry->d_name[0] == '.')
            continue;
        if (list->count == MAX_NS_TYPES) {
            error_msg("more than %d entries in %s", MAX_NS_TYPES, dir_path);
            goto out;
        }
        if (strlen(entry->d_name) >= sizeof(ns->type))
            continue; /* not a namespace type name we know how to show */
        if (fstatat(dirfd(dir), entry->d_name, &st, 0) < 0) {
            /* Following these links needs ptrace access to the process
             * (ptrace(2), "Ptrace access mode checking"). */
            error_msg("stat %s/%s: %s%s", dir_path, entry->d_name,
                      strerror(errno),
                      errno == EACCES || errno == EPERM
                          ? " (needs ptrace access to the process: run as "
                            "its user, or as root of an ancestor user "
                            "namespace)"
                          : "");
            goto out;
        }
        strcpy(ns->type, entry->d_name);
        ns->inode = st.st_ino;
        list->count++;
    }
    qsort(list->entries, list->count, sizeof(list->entries[0]),
          compare_entries);
    ret = 0;
out:
    closedir(dir);
    return ret;
}

static void print_one(const struct ns_list *list)
{
    printf("%-18s %s\n", "TYPE", "INODE");
    for (int i = 0; i < list->count; i++)
        printf("%-18s %lu\n", list->entries[i].type,
               (unsigned long)list->entries[i].inode);
}

static const struct ns_entry *find_type(const struct ns_list *list,
                                        const char *type)
{
    for (int i = 0; i < list->count; i++)
        if (strcmp(list->entries[i].type, type) == 0)
            return &list->entries[i];
    return NULL;
}

/* Side by side: "shared" when both point at the same namespace. */
static void print_comparison(const struct ns_list *a, const struct ns_list *b)
{
    char head_a[24], head_b[24];

    snprintf(head_a, sizeof(head_a), "PID %s", a->pid);
    snprintf(head_b, sizeof(head_b), "PID %s", b->pid);
    printf("%-18s %-12s %s\n", "TYPE", head_a, head_b);
    for (int i = 0; i < a->count; i++) {
        const struct ns_entry *x = &a->entries[i];
        const struct ns_entry *y = find_type(b, x->type);
        if (!y)
            continue;
        printf("%-18s %-12lu %-12lu %s\n", x->type, (unsigned long)x->inode,
               (unsigned long)y->inode,
               x->inode == y->inode ? "shared" : "isolated");
    }
}

/* Accept "self" or a positive PID; anything else is a usage error. */
static int check_pid_argument(const char *text)
{
    unsigned long pid;

    if (strcmp(text, "self") == 0)
        return 0;
    if (parse_ulong(text, 4194304 /* PID_MAX_LIMIT */, &pid) < 0 || pid == 0)
        return error_msg("not a PID: '%s'", text);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [PID [PID2]]\n"
            "List the namespaces (type and inode) of PID (default: self);\n"
            "with two PIDs, show which namespaces they share.\n",
            program_name);
}

int main(int argc, char **argv)
{
    struct ns_list first, second;

    set_program_name(argv[0]);

    /* 1. Arguments: zero, one or two PIDs. */
    if (argc > 1 &&
        (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc > 3 || (argc > 1 && argv[1][0] == '-')) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++)
        if (check_pid_argument(argv[i]) < 0)
            return EXIT_USAGE;

    /* 2. Read the first process's namespaces. */
    if (read_namespaces(argc > 1 ? argv[1] : "self", &first) < 0)
        return EXIT_FAILURE;
    if (argc < 3) {
        print_one(&first);
        return 0;
    }

    /* 3. And compare them with the second's. */
    if (read_namespaces(argv[2], &second) < 0)
        return EXIT_FAILURE;
    print_comparison(&first, &second);
    return 0;
}
