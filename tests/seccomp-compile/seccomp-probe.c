/* seccomp-probe: makes one system call and prints how it ended, for the
 * end-to-end tests that run it inside a sandbox.
 *   seccomp-probe tiocsti        ioctl(/dev/null, TIOCSTI)
 *   seccomp-probe tiocsti-high   the same with bits 32-63 of the number set
 *   seccomp-probe unshare-user   unshare(CLONE_NEWUSER)
 * Output: "ok" or "errno NAME"; exit status 0 either way, 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static long run(const char *what)
{
	char c = 'x';
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (strcmp(what, "tiocsti") == 0)
		return syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI, &c);
	if (strcmp(what, "tiocsti-high") == 0)
		return syscall(SYS_ioctl, fd,
			       0xffffffff00000000ul | (unsigned long)TIOCSTI, &c);
	if (strcmp(what, "unshare-user") == 0)
		return syscall(SYS_unshare, CLONE_NEWUSER);
	errno = EINVAL;
	return -2;
}

int main(int argc, char **argv)
{
	long r;

	if (argc != 2) {
		fprintf(stderr, "usage: seccomp-probe tiocsti|tiocsti-high|"
			"unshare-user\n");
		return 2;
	}
	r = run(argv[1]);
	if (r == -2) {
		fprintf(stderr, "seccomp-probe: unknown probe '%s'\n", argv[1]);
		return 2;
	}
	if (r < 0)
		printf("errno %s\n", strerrorname_np(errno));
	else
		printf("ok\n");
	/* _exit: exit-time hooks (such as a sanitizer's leak check, which
	 * needs ptrace) may be forbidden by the filter under test */
	fflush(stdout);
	_exit(0);
}
