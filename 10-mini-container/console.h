/* 10-mini-container/console.h - `minictr run -t`: the container's
 * terminal, a pty on the container's own devpts.
 *
 * The pty must come from the devpts mounted inside the container (chapter
 * 06's rootfs_make_dev), not the host's: then its slave is /dev/pts/0 in
 * there, and nothing of the host's terminals shows. So the child opens it,
 * after the pivot, and hands the master to the parent over a socketpair
 * (SCM_RIGHTS, as runc's and crun's --console-socket do):
 *
 *     child (after pivot, after setsid)     parent (minictr on the host)
 *     open("/dev/ptmx") -> master
 *     ioctl(master, TIOCGPTPEER) -> slave
 *     sendmsg(sock, SCM_RIGHTS master)  -->  recvmsg -> master
 *     ioctl(slave, TIOCSCTTY)                our terminal raw, its size copied
 *     dup2(slave, 0/1/2); exec               copy stdin -> master -> stdout
 *
 * Read: pty(7), credentials/unix(7) for SCM_RIGHTS, the kernel's
 * Documentation/filesystems/devpts.rst, runc's docs/terminals.md.
 */
#ifndef CTLAB_CONSOLE_H
#define CTLAB_CONSOLE_H

/* In the child, after the pivot and setsid(): open a pty on /dev/ptmx,
 * send its master over SOCK, make the slave the controlling terminal and
 * stdin, stdout and stderr. Reports its errors. */
int console_setup_child(int sock);

/* In the parent: the master the child sent, or -1 if the child ended
 * first (it reported why itself). */
int console_receive(int sock);

/* In the parent: our stdin to MASTER and MASTER to our stdout until the
 * container's side is closed (every process holding the slave has ended).
 * If stdin is a terminal it is raw meanwhile, and the pty follows its
 * size (SIGWINCH); the settings come back at the end. At the end of our
 * stdin, the pty gets its end-of-file character (^D). Closes MASTER. */
int console_relay(int master);

#endif
