/* seccomp-bench: cost of one system call under a seccomp program.
 *   seccomp-bench [PROGRAM.bpf|-] [CALL] [CALLS]
 * Loads the raw BPF program (none with '-'), then times CALLS calls
 * (default 500,000), best of 5 rounds, and prints nanoseconds per call.
 * CALL is
 *   getppid      allowed unconditionally: since Linux 5.11 the kernel
 *                caches such verdicts and skips the filter entirely;
 *   personality  personality(0xffffffff), allowed by an argument check:
 *                the filter runs every time;
 *   nosys        system call number 1000, which no rule names: the filter
 *                runs to its default action (the longest path).
 * All three do almost nothing in the kernel, so the filter's share of the
 * cost is as visible as it gets. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int load(const char *path)
{
	struct sock_fprog prog;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % 8) {
		fprintf(stderr, "seccomp-bench: %s: not a BPF program\n", path);
		return -1;
	}
	prog.len = (unsigned short)(st.st_size / 8);
	prog.filter = malloc((size_t)st.st_size);
	if (!prog.filter || read(fd, prog.filter, (size_t)st.st_size) != st.st_size) {
		fprintf(stderr, "seccomp-bench: %s: read failed\n", path);
		free(prog.filter);
		return -1;
	}
	close(fd);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "seccomp-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	free(prog.filter);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *call = argc > 2 ? argv[2] : "getppid";
	long calls = argc > 3 ? atol(argv[3]) : 500000, nr, arg = 0;
	double best = 0;

	if (strcmp(call, "getppid") == 0) {
		nr = SYS_getppid;
	} else if (strcmp(call, "personality") == 0) {
		nr = SYS_personality;
		arg = 0xffffffff;
	} else if (strcmp(call, "nosys") == 0) {
		nr = 1000;
	} else {
		fprintf(stderr, "seccomp-bench: unknown call '%s'\n", call);
		return 1;
	}
	if (calls <= 0 || (argc > 1 && strcmp(argv[1], "-") != 0 &&
			   load(argv[1]) < 0))
		return 1;
	for (int round = 0; round < 5; round++) {
		double start = now_ns(), ns;

		for (long i = 0; i < calls; i++)
			syscall(nr, arg);
		ns = (now_ns() - start) / (double)calls;
		if (round == 0 || ns < best)
			best = ns;
	}
	printf("%.1f\n", best);
	return 0;
}
