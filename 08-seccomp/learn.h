/* 08-seccomp/learn.h - record the system calls a command really makes.
 *
 * The chapter's advice, "strace it first to build a whitelist", done as a
 * tool: run the command under ptrace(2), note every system call it and
 * all its children enter, and write them out as an allowlist profile.
 */
#ifndef CTLAB_LEARN_H
#define CTLAB_LEARN_H

/* Run COMMAND traced; write an allowlist profile to OUT_PATH. Returns the
 * command's exit code (N, or 128 + signal), or 125 when tracing failed. */
int learn_profile(char **command, const char *out_path);

#endif
