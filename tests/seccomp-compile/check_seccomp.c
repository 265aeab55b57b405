/* check_seccomp.c: tests of seccomp-compile.
 *
 * Behavioural: every program is compiled by the real binary, loaded in a
 * forked child with no_new_privs, and probed with raw system calls; a call
 * counts as allowed when it ends exactly as it does without the filter.
 * Run from tests/seccomp-compile/ (make check-seccomp does).  Environment:
 *   SECCOMP_COMPILE  the compiler
 *                    (default ../../seccomp-compile/seccomp-compile)
 *   FOIL             the sandbox for the end-to-end test (default ../../foil)
 *   FOIL_TEST_UNPRIVILEGED_ONLY
 *                    1: as root, skip the end-to-end test (the sandbox,
 *                    run as root, mounts file systems), as `make check`
 *                    then skips foil's integration suite
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/run.h"

#define DOCKER_JSON "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
#define PODMAN_JSON "/usr/share/gocode/src/github.com/containers/common/pkg/seccomp/seccomp.json"

/* i386 numbers, for probes made through int $0x80 */
#define NR32_IOCTL 54
#define NR32_GETPPID 64
#define NR32_GETPID 20
#define NR32_PERSONALITY 136
#define NR32_UNSHARE 310
#define NR32_SOCKET 359

/* x86_64 numbers newer than the libseccomp in Debian 12 knows */
#define NR_MSEAL 462

static char tmpdir[64];
static char out_path[128];

/* ---- running the compiler ------------------------------------------ */

static const char *compiler(void)
{
	const char *c = getenv("SECCOMP_COMPILE");

	return c && *c ? c : "../../seccomp-compile/seccomp-compile";
}

/* A seccomp filter for the commands run() starts next (len 0: none), so
 * that a test can make one of the compiler's system calls fail. */
static struct sock_fprog child_filter;

/* In the child, before the exec. */
static void child_limits(void *arg)
{
	const struct sock_fprog *filter = arg;

	if (!filter->len)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, filter) < 0) {
		fprintf(stderr, "child filter: %s\n", strerror(errno));
		_exit(126);
	}
}

/* Runs argv (argv[0] is looked up in PATH when it has no '/') with `input`
 * on stdin (NULL: nothing), under child_filter, and captures its exit
 * status, stdout and stderr in r.  r must be zeroed or hold an earlier
 * result, which is freed first; result_free() releases the last one. */
static void run(char *const argv[], const char *input, struct result *r)
{
	const struct spawn o = {
		.exec_path = argv[0],
		.search_path = true,
		.stdin_data = input,
		.in_child = child_limits,
		.in_child_arg = &child_filter,
	};

	result_free(r);
	spawn_run(r, &o, argv);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	ck_assert(fclose(f) == 0);
}

static char *tmp_path(const char *name)
{
	static char buf[4][192];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

/* Compiles `policy` (written to a file) with extra options, into out_path. */
static void compile_policy(const char *policy, const char *const *opts,
			   struct result *r)
{
	char *argv[16];
	int n = 0;

	write_file(tmp_path("policy"), policy);
	argv[n++] = (char *)compiler();
	for (; opts && *opts && n < 12; opts++)
		argv[n++] = (char *)*opts;
	argv[n++] = "-o";
	argv[n++] = out_path;
	argv[n++] = tmp_path("policy");
	argv[n] = NULL;
	unlink(out_path);
	run(argv, NULL, r);
}

static void compile_args(const char *const *opts, struct result *r)
{
	char *argv[16];
	int n = 0;

	argv[n++] = (char *)compiler();
	for (; opts && *opts && n < 12; opts++)
		argv[n++] = (char *)*opts;
	argv[n++] = "-o";
	argv[n++] = out_path;
	argv[n] = NULL;
	unlink(out_path);
	run(argv, NULL, r);
}

struct prog {
	struct sock_filter *insns;
	unsigned short len;
};

/* The last program read; a static buffer, as no valid program is larger. */
static struct sock_filter prog_buf[4096];

static struct prog load_output(void)
{
	struct prog p = { prog_buf, 0 };
	struct stat st;
	int fd = open(out_path, O_RDONLY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "no output file %s", out_path);
	ck_assert(fstat(fd, &st) == 0);
	ck_assert_msg(st.st_size > 0 && st.st_size % 8 == 0 &&
		      st.st_size <= (off_t)sizeof(prog_buf),
		      "output has %lld bytes", (long long)st.st_size);
	ck_assert(read(fd, prog_buf, (size_t)st.st_size) == st.st_size);
	p.len = (unsigned short)(st.st_size / 8);
	close(fd);
	return p;
}

static struct prog must_compile(const char *policy, const char *const *opts)
{
	struct result r = { 0 };

	compile_policy(policy, opts, &r);
	ck_assert_msg(r.code == 0, "compile failed (%d): %s", r.code, r.err);
	result_free(&r);
	return load_output();
}

static struct prog must_compile_args(const char *const *opts)
{
	struct result r = { 0 };

	compile_args(opts, &r);
	ck_assert_msg(r.code == 0, "compile failed (%d): %s", r.code, r.err);
	result_free(&r);
	return load_output();
}

/* ---- probing a loaded filter ---------------------------------------- */

struct probe {
	long nr;
	unsigned long a[5];
	bool compat;         /* through int $0x80: the i386 ABI */
	bool forks;          /* clone-like: the new child must just exit */
};

struct outcome {
	int sig;             /* killed by this signal, else 0 */
	bool ok;             /* returned >= 0 */
	int err;             /* errno when !ok */
};

static long int80(long nr, unsigned long a, unsigned long b, unsigned long c,
		  unsigned long d, unsigned long e)
{
#if defined(__x86_64__)
	long ret;

	/* int $0x80 from 64-bit code takes the i386 ABI: seccomp sees
	 * AUDIT_ARCH_I386 and 32-bit arguments.  r8-r11 are clobbered. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "r8", "r9", "r10", "r11", "cc");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
#else
	(void)nr; (void)a; (void)b; (void)c; (void)d; (void)e;
	errno = ENOSYS;
	return -1;
#endif
}

static long do_probe(const struct probe *p)
{
	if (p->compat)
		return int80(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
	return syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
}

/* Runs the probe in a fresh child, under `prog` (or no filter). */
static struct outcome run_probe(const struct prog *prog, const struct probe *p)
{
	struct outcome o = { 0, false, 0 };
	int fds[2], st;
	pid_t pid;

	ck_assert(pipe2(fds, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct sock_fprog fp;
		int res[2];
		long r;

		close(fds[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(90);
		if (prog) {
			fp.len = prog->len;
			fp.filter = prog->insns;
			if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0)
				_exit(91);
		}
		r = do_probe(p);
		if (p->forks && r == 0)
			syscall(SYS_exit_group, 0);
		res[0] = r >= 0;
		res[1] = r < 0 ? errno : 0;
		if (write(fds[1], res, sizeof(res)) != sizeof(res))
			_exit(92);
		syscall(SYS_exit_group, 0);
	}
	close(fds[1]);
	ck_assert(waitpid(pid, &st, 0) == pid);
	if (WIFSIGNALED(st)) {
		o.sig = WTERMSIG(st);
	} else {
		int res[2];

		ck_assert_msg(WEXITSTATUS(st) == 0, "probe child failed with %d "
			      "(91: the kernel refused the filter)",
			      WEXITSTATUS(st));
		ck_assert(read(fds[0], res, sizeof(res)) == sizeof(res));
		o.ok = res[0];
		o.err = res[1];
	}
	close(fds[0]);
	if (p->forks)
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	return o;
}

static struct probe P(long nr, unsigned long a0, unsigned long a1,
		      unsigned long a2)
{
	struct probe p = { .nr = nr, .a = { a0, a1, a2, 0, 0 } };

	return p;
}

static struct probe P32(long nr, unsigned long a0, unsigned long a1,
			unsigned long a2)
{
	struct probe p = P(nr, a0, a1, a2);

	p.compat = true;
	return p;
}

static struct probe FORK(unsigned long flags)
{
	struct probe p = P(SYS_clone, flags, 0, 0);

	p.forks = true;
	return p;
}

#define expect_errno(prog, probe, e) expect_errno_at(prog, probe, e, #probe, __LINE__)
#define expect_allowed(prog, probe) expect_allowed_at(prog, probe, #probe, __LINE__)
#define expect_killed(prog, probe) expect_killed_at(prog, probe, #probe, __LINE__)

static void expect_errno_at(const struct prog *prog, struct probe probe, int e,
			    const char *what, int line)
{
	struct outcome o = run_probe(prog, &probe);

	ck_assert_msg(!o.sig && !o.ok && o.err == e,
		      "line %d: %s: expected errno %s, got sig=%d ok=%d errno=%s",
		      line, what, strerrorname_np(e), o.sig, o.ok,
		      o.ok ? "-" : strerrorname_np(o.err));
}

static void expect_allowed_at(const struct prog *prog, struct probe probe,
			      const char *what, int line)
{
	struct outcome o = run_probe(prog, &probe);
	struct outcome bare = run_probe(NULL, &probe);

	ck_assert_msg(!bare.sig, "line %d: %s dies even without a filter",
		      line, what);
	ck_assert_msg(o.sig == bare.sig && o.ok == bare.ok &&
		      (o.ok || o.err == bare.err),
		      "line %d: %s: expected the unfiltered result (ok=%d "
		      "errno=%s), got sig=%d ok=%d errno=%s", line, what,
		      bare.ok, bare.ok ? "-" : strerrorname_np(bare.err), o.sig,
		      o.ok, o.ok ? "-" : strerrorname_np(o.err));
}

static void expect_killed_at(const struct prog *prog, struct probe probe,
			     const char *what, int line)
{
	struct outcome o = run_probe(prog, &probe);

	ck_assert_msg(o.sig == SIGSYS, "line %d: %s: expected death by SIGSYS, "
		      "got sig=%d ok=%d errno=%d", line, what, o.sig, o.ok, o.err);
}

/* Whether this machine runs i386 code (IA-32 emulation in the kernel). */
static bool compat_available(void)
{
	struct outcome o;
	struct probe p = P32(NR32_GETPID, 0, 0, 0);

#if !defined(__x86_64__)
	return false;
#endif
	o = run_probe(NULL, &p);
	return !o.sig && o.ok;
}

#define SKIP_WITHOUT_COMPAT()                                               \
	do {                                                                \
		if (!compat_available()) {                                  \
			fprintf(stderr, "%s: skipped: this machine cannot run " \
				"i386 system calls (not x86_64, or the kernel " \
				"has no IA-32 emulation)\n", __func__);     \
			return;                                             \
		}                                                           \
	} while (0)

/* ---- fixtures --------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/seccomp-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert(mkdtemp(tmpdir) != NULL);
	snprintf(out_path, sizeof(out_path), "%s/out.bpf", tmpdir);
}

static void teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ---- presets ------------------------------------------------------------ */

static int devnull(void)
{
	int fd = open("/dev/null", O_RDWR);

	ck_assert(fd >= 0);
	return fd;
}

START_TEST(preset_flatpak)
{
	static const char *const opts[] = { "--preset", "flatpak", NULL };
	struct prog p = must_compile_args(opts);
	unsigned long high = 0xffffffff00000000ul;
	int fd = devnull();
	char c = 0;

	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	expect_errno(&p, P(SYS_ioctl, fd, TIOCSTI, (unsigned long)&c), EPERM);
	expect_errno(&p, P(SYS_ioctl, fd, high | TIOCSTI, (unsigned long)&c), EPERM);
	expect_errno(&p, P(SYS_ioctl, fd, TIOCLINUX, (unsigned long)&c), EPERM);
	expect_allowed(&p, P(SYS_ioctl, fd, TCGETS, (unsigned long)&c));
	expect_allowed(&p, P(SYS_ioctl, fd, TIOCSTI + 1, (unsigned long)&c));
	expect_errno(&p, P(SYS_unshare, CLONE_NEWUSER, 0, 0), EPERM);
	expect_errno(&p, FORK(CLONE_NEWUSER | SIGCHLD), EPERM);
	expect_errno(&p, FORK(CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD), EPERM);
	expect_allowed(&p, FORK(SIGCHLD));
	expect_errno(&p, P(SYS_clone3, 0, 0, 0), ENOSYS);
	expect_errno(&p, P(SYS_open_tree, AT_FDCWD, (unsigned long)"/", 0), ENOSYS);
	expect_errno(&p, P(SYS_mount, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_keyctl, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_ptrace, 0, 0, 0), EPERM);
	expect_allowed(&p, P(SYS_personality, PER_LINUX, 0, 0));
	expect_errno(&p, P(SYS_personality, PER_LINUX32, 0, 0), EPERM);
	expect_errno(&p, P(SYS_personality, 0xffffffff, 0, 0), EPERM);
	/* socket families: only these five are allowed */
	for (unsigned long af = 0; af < 48; af++) {
		bool allowed = af == AF_UNSPEC || af == AF_UNIX || af == AF_INET ||
			       af == AF_INET6 || af == AF_NETLINK;

		if (allowed)
			expect_allowed(&p, P(SYS_socket, af, SOCK_DGRAM, 0));
		else
			expect_errno(&p, P(SYS_socket, af, SOCK_DGRAM, 0),
				     EAFNOSUPPORT);
	}
	/* high bits do not smuggle a family past the filter */
	expect_errno(&p, P(SYS_socket, high | AF_AX25, SOCK_DGRAM, 0), EAFNOSUPPORT);
	expect_errno(&p, P(SYS_socket, high | AF_VSOCK, SOCK_DGRAM, 0), EAFNOSUPPORT);
	/* x32 is a foreign ABI here: killed */
	expect_killed(&p, P(0x40000000 | SYS_getppid, 0, 0, 0));
	close(fd);
}
END_TEST

START_TEST(preset_flatpak_compat)
{
	static const char *const opts[] = { "--preset", "flatpak", NULL };
	struct prog p;
	int fd = devnull();

	SKIP_WITHOUT_COMPAT();
	p = must_compile_args(opts);
	expect_allowed(&p, P32(NR32_GETPPID, 0, 0, 0));
	expect_errno(&p, P32(NR32_IOCTL, fd, TIOCSTI, 0), EPERM);
	expect_allowed(&p, P32(NR32_IOCTL, fd, TCGETS, 0));
	expect_errno(&p, P32(NR32_UNSHARE, CLONE_NEWUSER, 0, 0), EPERM);
	expect_errno(&p, P32(NR32_SOCKET, AF_VSOCK, SOCK_DGRAM, 0), EAFNOSUPPORT);
	expect_errno(&p, P32(NR32_SOCKET, AF_AX25, SOCK_DGRAM, 0), EAFNOSUPPORT);
	expect_allowed(&p, P32(NR32_SOCKET, AF_UNIX, SOCK_DGRAM, 0));
	expect_allowed(&p, P32(NR32_PERSONALITY, PER_LINUX, 0, 0));
	expect_errno(&p, P32(NR32_PERSONALITY, 0xffffffff, 0, 0), EPERM);
	close(fd);
}
END_TEST

/* What Docker 20.10's default profile does for an unprivileged container;
 * shared by the preset and the real JSON file. */
static void docker_behaviour(const struct prog *p)
{
	expect_allowed(p, P(SYS_getppid, 0, 0, 0));
	expect_errno(p, P(SYS_unshare, CLONE_NEWUSER, 0, 0), EPERM);
	expect_errno(p, FORK(CLONE_NEWUSER | SIGCHLD), EPERM);
	expect_errno(p, FORK(CLONE_NEWNET | SIGCHLD), EPERM);
	expect_allowed(p, FORK(SIGCHLD));
	expect_errno(p, P(SYS_clone3, 0, 0, 0), ENOSYS);
	expect_errno(p, P(SYS_mount, 0, 0, 0), EPERM);
	expect_errno(p, P(SYS_keyctl, 0, 0, 0), EPERM);
	expect_errno(p, P(SYS_acct, 0, 0, 0), EPERM);
	expect_allowed(p, P(SYS_personality, PER_LINUX, 0, 0));
	expect_allowed(p, P(SYS_personality, 0xffffffff, 0, 0));
	expect_allowed(p, P(SYS_personality, UNAME26 | PER_LINUX32, 0, 0));
	expect_errno(p, P(SYS_personality, 1, 0, 0), EPERM);
	expect_allowed(p, P(SYS_socket, AF_INET, SOCK_DGRAM, 0));
	expect_allowed(p, P(SYS_ptrace, -1, 0, 0));
	expect_allowed(p, P(SYS_arch_prctl, 0, 0, 0));
	expect_errno(p, P(NR_MSEAL, 0, 0, 0), EPERM);
}

START_TEST(preset_docker_default)
{
	static const char *const opts[] = { "--preset", "docker-default", NULL };
	struct prog p = must_compile_args(opts);

	docker_behaviour(&p);
	expect_killed(&p, P(0x40000000 | SYS_getppid, 0, 0, 0));
}
END_TEST

START_TEST(preset_build)
{
	static const char *const opts[] = { "--preset", "build", NULL };
	struct prog p = must_compile_args(opts);
	int fd = devnull();
	char c = 0;

	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	expect_allowed(&p, P(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
	expect_errno(&p, P(SYS_socket, AF_INET, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(&p, P(SYS_socket, AF_INET6, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(&p, P(SYS_socket, AF_NETLINK, SOCK_RAW, 0), EAFNOSUPPORT);
	expect_errno(&p, P(SYS_socket, 0x100000000ul | AF_UNIX, SOCK_STREAM, 0),
		     EAFNOSUPPORT);
	expect_errno(&p, P(SYS_ptrace, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_process_vm_readv, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_mount, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_unshare, CLONE_NEWNS, 0, 0), EPERM);
	expect_errno(&p, P(SYS_setns, 0, 0, 0), EPERM);
	expect_errno(&p, FORK(CLONE_NEWUSER | SIGCHLD), EPERM);
	expect_errno(&p, FORK(CLONE_NEWPID | SIGCHLD), EPERM);
	expect_allowed(&p, FORK(SIGCHLD));
	expect_errno(&p, P(SYS_clone3, 0, 0, 0), ENOSYS);
	expect_errno(&p, P(SYS_io_uring_setup, 0, 0, 0), ENOSYS);
	expect_errno(&p, P(SYS_keyctl, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_ioctl, fd, TIOCSTI, (unsigned long)&c), EPERM);
	expect_allowed(&p, P(SYS_ioctl, fd, TCGETS, (unsigned long)&c));
	expect_allowed(&p, P(SYS_personality, PER_LINUX32, 0, 0));
	expect_errno(&p, P(SYS_personality, READ_IMPLIES_EXEC, 0, 0), EPERM);
	/* known to libseccomp but not allowed: EPERM; newer: ENOSYS */
	expect_errno(&p, P(SYS_acct, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_reboot, 0, 0, 0), EPERM);
	expect_errno(&p, P(NR_MSEAL, 0, 0, 0), ENOSYS);
	expect_allowed(&p, P(SYS_wait4, -1, 0, WNOHANG));
	close(fd);
}
END_TEST

/* ---- real Docker and Podman profiles ---------------------------------- */

static void need_file(const char *path, const char *package)
{
	ck_assert_msg(exists(path), "%s is missing: install the Debian package "
		      "%s (install-deps.sh does)", path, package);
}

START_TEST(json_docker_default)
{
	static const char *const opts[] = { DOCKER_JSON, NULL };
	struct prog p;

	need_file(DOCKER_JSON, "golang-github-docker-docker-dev");
	p = must_compile_args(opts);
	docker_behaviour(&p);
}
END_TEST

START_TEST(json_docker_caps)
{
	static const char *const opts[] = { "--caps", "CAP_SYS_PACCT,sys_admin",
					    DOCKER_JSON, NULL };
	struct prog p;

	need_file(DOCKER_JSON, "golang-github-docker-docker-dev");
	p = must_compile_args(opts);
	/* acct is allowed, and with CAP_SYS_ADMIN clone is no longer
	 * restricted (the excludes.caps branch drops out) */
	expect_allowed(&p, P(SYS_acct, 0, 0, 0));
	expect_allowed(&p, P(SYS_unshare, CLONE_NEWUSER, 0, 0));
	expect_allowed(&p, P(SYS_clone3, 0, 0, 0));
}
END_TEST

START_TEST(json_docker_compat)
{
	static const char *const opts[] = { DOCKER_JSON, NULL };
	struct prog p;

	SKIP_WITHOUT_COMPAT();
	need_file(DOCKER_JSON, "golang-github-docker-docker-dev");
	p = must_compile_args(opts);
	expect_allowed(&p, P32(NR32_GETPPID, 0, 0, 0));
	expect_errno(&p, P32(NR32_UNSHARE, CLONE_NEWUSER, 0, 0), EPERM);
	expect_errno(&p, P32(NR32_PERSONALITY, 1, 0, 0), EPERM);
}
END_TEST

START_TEST(json_podman_default)
{
	static const char *const opts[] = { PODMAN_JSON, NULL };
	struct prog p;

	need_file(PODMAN_JSON, "golang-github-containers-common-dev");
	p = must_compile_args(opts);
	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	expect_allowed(&p, P(SYS_unshare, CLONE_NEWUTS, 0, 0));
	/* explicitly denied: EPERM; not mentioned: ENOSYS (defaultErrnoRet) */
	expect_errno(&p, P(SYS_kexec_load, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_acct, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_io_uring_setup, 0, 0, 0), ENOSYS);
	expect_errno(&p, P(NR_MSEAL, 0, 0, 0), ENOSYS);
	/* the audit netlink socket is refused with EINVAL */
	expect_errno(&p, P(SYS_socket, AF_NETLINK, SOCK_RAW, 9), EINVAL);
	expect_allowed(&p, P(SYS_socket, AF_NETLINK, SOCK_RAW, 0));
	expect_allowed(&p, P(SYS_socket, AF_INET, SOCK_RAW, 9));
}
END_TEST

/* ---- the line format, rule by rule ------------------------------------ */

static const char documented_policy[] =
	"# the example from the format's documentation\n"
	"default errno EPERM\n"
	"unknown errno ENOSYS\n"
	"arch native x86\n"
	"allow @system-service\n"
	"deny @mount @privileged @debug errno EPERM\n"
	"deny clone3 errno ENOSYS\n"
	"deny clone a0 & CLONE_NEWUSER == CLONE_NEWUSER\n"
	"deny ioctl a1.lo32 == TIOCSTI\n"
	"deny socket a0 >= AF_VSOCK errno EAFNOSUPPORT\n";

START_TEST(policy_example)
{
	struct prog p = must_compile(documented_policy, NULL);
	int fd = devnull();
	char c = 0;

	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	/* conditional deny beats the unconditional allow of @system-service */
	expect_errno(&p, FORK(CLONE_NEWUSER | SIGCHLD), EPERM);
	expect_allowed(&p, FORK(SIGCHLD));
	expect_allowed(&p, FORK(CLONE_NEWUTS | SIGCHLD));
	expect_errno(&p, P(SYS_ioctl, fd, TIOCSTI, (unsigned long)&c), EPERM);
	expect_errno(&p, P(SYS_ioctl, fd, 0xabcdef0000000000ul | TIOCSTI,
			   (unsigned long)&c), EPERM);
	expect_allowed(&p, P(SYS_ioctl, fd, TCGETS, (unsigned long)&c));
	expect_errno(&p, P(SYS_socket, AF_VSOCK, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(&p, P(SYS_socket, AF_VSOCK + 5, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_allowed(&p, P(SYS_socket, AF_VSOCK - 1, SOCK_STREAM, 0));
	expect_allowed(&p, P(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
	expect_errno(&p, P(SYS_clone3, 0, 0, 0), ENOSYS);
	expect_errno(&p, P(SYS_mount, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_ptrace, 0, 0, 0), EPERM);
	/* @privileged after @system-service: the later line wins */
	expect_errno(&p, P(SYS_setuid, 0, 0, 0), EPERM);
	expect_errno(&p, P(SYS_acct, 0, 0, 0), EPERM);
	expect_errno(&p, P(NR_MSEAL, 0, 0, 0), ENOSYS);
	close(fd);
}
END_TEST

START_TEST(policy_example_compat)
{
	struct prog p;
	int fd = devnull();

	SKIP_WITHOUT_COMPAT();
	p = must_compile(documented_policy, NULL);
	expect_allowed(&p, P32(NR32_GETPPID, 0, 0, 0));
	expect_errno(&p, P32(NR32_IOCTL, fd, TIOCSTI, 0), EPERM);
	expect_allowed(&p, P32(NR32_IOCTL, fd, TCGETS, 0));
	expect_errno(&p, P32(NR32_SOCKET, AF_VSOCK, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_allowed(&p, P32(NR32_SOCKET, AF_UNIX, SOCK_STREAM, 0));
	close(fd);
}
END_TEST

/* getppid ignores its arguments, but seccomp sees them: a side-effect-free
 * way to probe comparisons at their boundaries. */
START_TEST(policy_arg_boundaries)
{
	struct prog p = must_compile(
		"default allow\n"
		"deny getppid a0 == 5 errno 11\n"
		"deny getppid a0 >= 0x100 a1 < 3 errno 12\n"
		"deny getppid a0 > 0x200 errno 13\n"
		"deny getppid a2 & 0x10 == 0x10 errno 14\n", NULL);
	unsigned long hi = 0x100000000ul;

	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	expect_allowed(&p, P(SYS_getppid, 4, 0, 0));
	expect_errno(&p, P(SYS_getppid, 5, 0, 0), 11);
	expect_allowed(&p, P(SYS_getppid, 6, 0, 0));
	expect_errno(&p, P(SYS_getppid, hi | 5, 9, 0), 13);   /* 64-bit ==: not 11 */
	expect_allowed(&p, P(SYS_getppid, 7, 9, 0));
	expect_allowed(&p, P(SYS_getppid, 0xff, 0, 0));
	expect_errno(&p, P(SYS_getppid, 0x100, 2, 0), 12);
	expect_allowed(&p, P(SYS_getppid, 0x100, 3, 0));      /* AND */
	expect_errno(&p, P(SYS_getppid, 0x200, 0, 0), 12);
	expect_allowed(&p, P(SYS_getppid, 0x200, 3, 0));
	expect_errno(&p, P(SYS_getppid, 0x201, 3, 0), 13);
	expect_errno(&p, P(SYS_getppid, hi, 3, 0), 13);        /* high bits count */
	expect_errno(&p, P(SYS_getppid, 0, 0, 0x10), 14);      /* bit set */
	expect_errno(&p, P(SYS_getppid, 0, 0, 0xff), 14);
	expect_allowed(&p, P(SYS_getppid, 0, 0, 0xef));        /* bit unset */
}
END_TEST

START_TEST(policy_arg_boundaries_more)
{
	struct prog p = must_compile(
		"default allow\n"
		"deny getppid a3.lo32 == 7 errno 15\n"
		"deny getppid a4 & 0xf0 == 0x30 errno 16\n"
		"deny getppid a1 <= 1 && a0 == 0x50 errno 17\n"
		"deny getppid a1 != 0 a0 == 0x60 errno 18\n", NULL);
	struct probe q = P(SYS_getppid, 0, 0, 0);

	q.a[3] = 7;
	expect_errno(&p, q, 15);
	q.a[3] = 0xffffffff00000007ul;                       /* low 32 bits only */
	expect_errno(&p, q, 15);
	q.a[3] = 8;
	expect_allowed(&p, q);
	q.a[3] = 0;
	q.a[4] = 0x3f;
	expect_errno(&p, q, 16);
	q.a[4] = 0x13f;
	expect_errno(&p, q, 16);
	q.a[4] = 0x2f;
	expect_allowed(&p, q);
	expect_errno(&p, P(SYS_getppid, 0x50, 1, 0), 17);
	expect_allowed(&p, P(SYS_getppid, 0x50, 2, 0));
	expect_errno(&p, P(SYS_getppid, 0x60, 1, 0), 18);
	expect_allowed(&p, P(SYS_getppid, 0x60, 0, 0));
}
END_TEST

START_TEST(policy_compat_args)
{
	struct prog p;

	SKIP_WITHOUT_COMPAT();
	p = must_compile("default allow\n"
			 "deny getppid a0 >= 0x100 errno 12\n"
			 "deny getppid a1.lo32 == 7 errno 15\n"
			 "deny getppid a2 & 0x10 == 0x10 errno 14\n", NULL);
	expect_allowed(&p, P32(NR32_GETPPID, 0xff, 0, 0));
	expect_errno(&p, P32(NR32_GETPPID, 0x100, 0, 0), 12);
	expect_errno(&p, P32(NR32_GETPPID, 0xffffffff, 0, 0), 12);
	expect_errno(&p, P32(NR32_GETPPID, 0, 7, 0), 15);
	expect_errno(&p, P32(NR32_GETPPID, 0, 0, 0x11), 14);
	expect_allowed(&p, P32(NR32_GETPPID, 0, 0, 0x01));
}
END_TEST

/* Which rule wins: conditions before unconditional rules, the strictest
 * matching conditional action, the last unconditional rule. */
START_TEST(policy_precedence)
{
	struct prog p = must_compile(
		"default allow\n"
		"deny getppid errno 10\n"
		"allow getppid a0 == 1\n"
		"deny getppid a0 == 2 errno 12\n"
		"deny getppid a1 == 9 kill\n"
		"deny getppid a1 == 8 errno 11\n"
		"allow getpgid\n"
		"deny getpgid errno 20\n"
		"deny getpgid errno 21\n", NULL);

	expect_errno(&p, P(SYS_getppid, 0, 0, 0), 10);
	expect_allowed(&p, P(SYS_getppid, 1, 0, 0));
	expect_errno(&p, P(SYS_getppid, 2, 0, 0), 12);
	/* equally strict: the rule written first wins */
	expect_errno(&p, P(SYS_getppid, 2, 8, 0), 12);
	expect_errno(&p, P(SYS_getppid, 0, 8, 0), 11);
	expect_killed(&p, P(SYS_getppid, 1, 9, 0));       /* kill beats allow */
	expect_errno(&p, P(SYS_getpgid, 0, 0, 0), 21);
}
END_TEST

START_TEST(policy_default_kill)
{
	struct prog p = must_compile("default kill\n"
				     "allow write exit_group getppid\n", NULL);

	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	expect_killed(&p, P(SYS_getpid, 0, 0, 0));
}
END_TEST

START_TEST(policy_arch_native_only)
{
	struct prog p;

	SKIP_WITHOUT_COMPAT();
	p = must_compile("default allow\narch native\n"
			 "deny getpid errno 30\n", NULL);
	expect_errno(&p, P(SYS_getpid, 0, 0, 0), 30);
	expect_killed(&p, P32(NR32_GETPPID, 0, 0, 0));
	p = must_compile("default allow\ndeny getpid errno 30\n", NULL);
	expect_allowed(&p, P32(NR32_GETPPID, 0, 0, 0));
	expect_errno(&p, P32(NR32_GETPID, 0, 0, 0), 30);
}
END_TEST

START_TEST(policy_include_and_preset)
{
	struct prog p;

	mkdir(tmp_path("sub"), 0700);
	write_file(tmp_path("sub/extra.policy"),
		   "deny getppid a0 == 42 errno 40\n"
		   "include more.policy\n");
	write_file(tmp_path("sub/more.policy"), "deny getpgid errno 41\n");
	p = must_compile("preset flatpak\n"
			 "include sub/extra.policy\n", NULL);
	expect_errno(&p, P(SYS_getppid, 42, 0, 0), 40);
	expect_allowed(&p, P(SYS_getppid, 41, 0, 0));
	expect_errno(&p, P(SYS_getpgid, 0, 0, 0), 41);
	expect_errno(&p, P(SYS_keyctl, 0, 0, 0), EPERM);     /* from the preset */
	/* a later `default` overrides the preset's */
	p = must_compile("preset flatpak\ndefault errno 50\n"
			 "allow write exit_group\n", NULL);
	expect_errno(&p, P(SYS_getppid, 0, 0, 0), 50);
}
END_TEST

START_TEST(policy_data_file)
{
	struct result r = { 0 };
	char *argv[] = { (char *)compiler(), "-o", out_path,
			 "example.policy", NULL };
	struct prog p;

	run(argv, NULL, &r);
	ck_assert_msg(r.code == 0, "%s", r.err);
	p = load_output();
	expect_errno(&p, P(SYS_getppid, 7, 0, 0), EACCES);
	expect_allowed(&p, P(SYS_getppid, 0, 0, 0));
	result_free(&r);
}
END_TEST

START_TEST(unknown_names_real)
{
	struct result r = { 0 };
	static const char *const strict[] = { "--strict", NULL };
	struct prog p;
	char want[256];

	compile_policy("default allow\ndeny getppid no_such_call errno 9\n",
		       NULL, &r);
	ck_assert_int_eq(r.code, 0);
	snprintf(want, sizeof(want), "seccomp-compile: %s:2:14: warning: "
		 "unknown system call 'no_such_call'; rule skipped\n",
		 tmp_path("policy"));
	ck_assert_str_eq(r.err, want);
	p = load_output();
	expect_errno(&p, P(SYS_getppid, 0, 0, 0), 9);
	compile_policy("default allow\ndeny getppid no_such_call errno 9\n",
		       strict, &r);
	ck_assert_int_eq(r.code, 1);
	snprintf(want, sizeof(want), "seccomp-compile: %s:2:14: unknown system "
		 "call 'no_such_call' (--strict)\n", tmp_path("policy"));
	ck_assert_str_eq(r.err, want);
	ck_assert(!exists(out_path));
	result_free(&r);
}
END_TEST

/* ---- size limit, output handling, --check, --explain ------------------ */

START_TEST(too_many_instructions)
{
	static const char *const calls[] = { "read", "write", "open", "close",
		"stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect",
		"munmap", "brk", "ioctl", "pread64", "pwrite64", "readv",
		"writev", "access", "pipe", "select", "sched_yield", "mremap",
		"msync", "mincore", "madvise", "shmget", "shmat", "shmctl",
		"dup", "dup2", "pause", "nanosleep", "getitimer", "alarm",
		"setitimer", "getpid", "sendfile", "socket", "connect" };
	size_t cap = 900 * 64, n = 0;
	char *policy = malloc(cap);
	unsigned k = 0;
	struct result r = { 0 };

	/* masked comparisons with distinct masks cannot share instructions:
	 * about 4600 instructions over three architectures */
	n += (size_t)snprintf(policy + n, cap - n, "default allow\n"
			      "arch x86_64 x86 x32\n");
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
		for (unsigned i = 0; i < 20; i++, k++)
			n += (size_t)snprintf(policy + n, cap - n, "deny %s a%u & "
					      "0x%x == 0x%x errno 1\n", calls[c],
					      i % 6, (k << 4) | 15, k << 4);
	write_file(out_path, "previous contents");
	compile_policy(policy, NULL, &r);
	free(policy);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "the kernel accepts at most 4096") != NULL,
		      "%s", r.err);
	ck_assert(!exists(out_path));
	result_free(&r);
}
END_TEST

START_TEST(too_many_rules_per_call)
{
	size_t cap = 300 * 48, n = 0;
	char *policy = malloc(cap);
	struct result r = { 0 };

	n += (size_t)snprintf(policy + n, cap - n, "default allow\n");
	for (int i = 0; i < 257; i++)
		n += (size_t)snprintf(policy + n, cap - n,
				      "deny getppid a0 == %d errno 1\n", i);
	compile_policy(policy, NULL, &r);
	free(policy);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "policy:258:6: more than 256 conditional "
			     "rules for 'getppid'\n") != NULL, "%s", r.err);
	ck_assert(!exists(out_path));
	result_free(&r);
}
END_TEST

START_TEST(output_never_partial)
{
	struct result r = { 0 };
	char *argv[] = { (char *)compiler(), "--preset", "flatpak", "-o",
			 out_path, NULL };
	char *bad[] = { (char *)compiler(), "--preset", "flatpak", "-o",
			tmp_path("no/such/dir/out.bpf"), NULL };
	struct stat st;

	/* a failing compile leaves an existing output untouched */
	write_file(out_path, "previous contents");
	write_file(tmp_path("bad.policy"), "default allow\ndeny bogus(\n");
	{
		char *b[] = { (char *)compiler(), "-o", out_path,
			      tmp_path("bad.policy"), NULL };
		run(b, NULL, &r);
	}
	ck_assert_int_eq(r.code, 1);
	ck_assert(stat(out_path, &st) == 0 && st.st_size == 17);
	run(argv, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert(stat(out_path, &st) == 0 && st.st_size % 8 == 0 &&
		  st.st_size > 17);
	run(bad, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "cannot create a file in") != NULL, "%s", r.err);
	result_free(&r);
}
END_TEST

START_TEST(no_temp_files_left)
{
	char *argv[] = { (char *)compiler(), "--preset", "build", "-o",
			 out_path, NULL };
	struct result r = { 0 };
	char cmd[256];

	run(argv, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A %s | grep -v '^out.bpf$')\" "
		 "= \"\"", tmpdir);
	ck_assert_msg(system(cmd) == 0, "stray files in %s", tmpdir);
	result_free(&r);
}
END_TEST

/* ---- -o and what is already there ---------------------------------------
 * A regular file (or nothing) is replaced atomically, keeping its mode and,
 * for root, its owner; devices and FIFOs are written in place; symbolic
 * links are followed, and a link to nothing is refused. */

static const char small_policy[] = "default allow\ndeny getppid errno 3\n";

/* What compiling small_policy must produce, from standard output. */
static void small_program(struct result *ref)
{
	char *argv[] = { (char *)compiler(), "-", NULL };

	run(argv, small_policy, ref);
	ck_assert_msg(ref->code == 0, "%s", ref->err);
	ck_assert(ref->out_len > 0 && ref->out_len % 8 == 0);
}

/* Compiles small_policy (from the file "policy") with -o dest. */
static void compile_to(const char *dest, struct result *r)
{
	char *argv[] = { (char *)compiler(), "-o", (char *)dest,
			 tmp_path("policy"), NULL };

	write_file(tmp_path("policy"), small_policy);
	run(argv, NULL, r);
}

/* tmp_path's buffers are reused after four calls: a path a test keeps
 * across other calls goes into the test's own buffer. */
static char *keep_path(char buf[static 192], const char *name)
{
	snprintf(buf, 192, "%s/%s", tmpdir, name);
	return buf;
}

/* Fails unless `dir` holds nothing but `names`: a temporary file left
 * behind shows up here. */
static void only_entries(const char *dir, const char *const *names)
{
	DIR *d = opendir(dir);
	const struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");

		for (const char *const *n = names; !known && *n; n++)
			known = strcmp(e->d_name, *n) == 0;
		ck_assert_msg(known, "stray file %s/%s", dir, e->d_name);
	}
	ck_assert(closedir(d) == 0);
}

/* The error is one line that names the -o argument, quoted. */
static void one_line_naming(const char *err, const char *arg)
{
	char quoted[256];
	const char *nl = strchr(err, '\n');

	snprintf(quoted, sizeof(quoted), "'%s'", arg);
	ck_assert_msg(nl && nl[1] == '\0', "not one line: %s", err);
	ck_assert_msg(strstr(err, quoted) != NULL, "%s not named: %s", quoted,
		      err);
}

/* Fails unless `path` is a regular file holding exactly `ref`'s program. */
static void holds_program(const char *path, const struct result *ref)
{
	char buf[4096];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "cannot open %s", path);
	ck_assert(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, ref->out_len);
	ck_assert(read(fd, buf, sizeof(buf)) == (ssize_t)ref->out_len);
	ck_assert(memcmp(buf, ref->out, ref->out_len) == 0);
	close(fd);
}

static void has_mode(const char *path, mode_t mode)
{
	struct stat st;

	ck_assert(stat(path, &st) == 0);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %04o, not %04o",
		      path, (unsigned)(st.st_mode & 07777), (unsigned)mode);
}

START_TEST(output_char_device)
{
	static const char *const left[] = { "null", "policy", NULL };
	char buf[192];
	const char *dev = keep_path(buf, "null");
	struct stat before, after;
	struct result r = { 0 };
	int fd;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: skipped: creating a device node needs "
			"root\n", __func__);
		return;
	}
	/* a copy of /dev/null (1,3), so that a bug cannot harm the real one */
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) < 0) {
		fprintf(stderr, "%s: skipped: mknod: %s (a user namespace?)\n",
			__func__, strerror(errno));
		return;
	}
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: skipped: cannot open a device in %s: %s "
			"(mounted nodev?)\n", __func__, tmpdir, strerror(errno));
		return;
	}
	close(fd);
	ck_assert(lstat(dev, &before) == 0);
	compile_to(dev, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert(lstat(dev, &after) == 0);
	ck_assert_msg(S_ISCHR(after.st_mode) &&
		      after.st_rdev == makedev(1, 3) &&
		      after.st_ino == before.st_ino,
		      "the device node was replaced (mode %o)", after.st_mode);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(output_fifo)
{
	static const char *const left[] = { "fifo", "policy", NULL };
	char path[192], buf[4096];
	const char *fifo = keep_path(path, "fifo");
	struct result ref = { 0 }, r = { 0 };
	struct stat st;
	int fd;

	small_program(&ref);
	/* The reader is this process, and nothing waits: a non-blocking open
	 * for reading succeeds at once, the compiler's open for writing then
	 * finds a reader, and a program this small fits any pipe buffer (one
	 * page at least), so the compiler exits before the read. */
	ck_assert(ref.out_len < 4096);
	ck_assert(mkfifo(fifo, 0600) == 0);
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert(fd >= 0);
	compile_to(fifo, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), ref.out_len);
	ck_assert(memcmp(buf, ref.out, ref.out_len) == 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 0);   /* closed */
	close(fd);
	ck_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_regular_keeps_mode)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct result ref = { 0 }, r = { 0 };

	small_program(&ref);
	umask(022);     /* the mode a new file would get is then 0644 */
	write_file(out_path, "previous contents");
	ck_assert(chmod(out_path, 0640) == 0);
	compile_to(out_path, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	holds_program(out_path, &ref);
	has_mode(out_path, 0640);
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_regular_keeps_owner)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct result ref = { 0 }, r = { 0 };
	struct stat st;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: skipped: only root can keep another "
			"user's ownership\n", __func__);
		return;
	}
	small_program(&ref);
	write_file(out_path, "previous contents");
	if (chown(out_path, 1, 1) < 0) {
		fprintf(stderr, "%s: skipped: chown to uid 1: %s (a user "
			"namespace without it?)\n", __func__, strerror(errno));
		result_free(&ref);
		return;
	}
	ck_assert(chmod(out_path, 0604) == 0);
	compile_to(out_path, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	holds_program(out_path, &ref);
	ck_assert(stat(out_path, &st) == 0);
	ck_assert_msg(st.st_uid == 1 && st.st_gid == 1, "owner %d:%d",
		      (int)st.st_uid, (int)st.st_gid);
	has_mode(out_path, 0604);
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_symlink_followed)
{
	static const char *const left[] = { "link.bpf", "real", "policy", NULL };
	static const char *const left_real[] = { "target.bpf", NULL };
	char lbuf[192], dbuf[192], tbuf[192], text[64];
	const char *link = keep_path(lbuf, "link.bpf");
	const char *real = keep_path(dbuf, "real");
	const char *target = keep_path(tbuf, "real/target.bpf");
	struct result ref = { 0 }, r = { 0 };
	struct stat st;
	ssize_t n;

	small_program(&ref);
	ck_assert(mkdir(real, 0700) == 0);
	write_file(target, "previous contents");
	ck_assert(chmod(target, 0640) == 0);
	ck_assert(symlink("real/target.bpf", link) == 0);
	compile_to(link, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert_msg(lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
		      "the link was replaced");
	n = readlink(link, text, sizeof(text) - 1);
	ck_assert(n > 0);
	text[n] = '\0';
	ck_assert_str_eq(text, "real/target.bpf");
	holds_program(target, &ref);
	has_mode(target, 0640);
	only_entries(tmpdir, left);
	only_entries(real, left_real);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_dangling_symlink_refused)
{
	static const char *const left[] = { "link.bpf", "policy", NULL };
	char buf[192];
	const char *link = keep_path(buf, "link.bpf");
	struct result r = { 0 };
	struct stat st;

	ck_assert(symlink("missing.bpf", link) == 0);
	compile_to(link, &r);
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, link);
	ck_assert(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	ck_assert(!exists(tmp_path("missing.bpf")));
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(output_missing_directory)
{
	static const char *const left[] = { "policy", NULL };
	char buf[192];
	const char *dest = keep_path(buf, "no/such/dir/out.bpf");
	struct result r = { 0 };

	compile_to(dest, &r);
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, dest);
	ck_assert_msg(strstr(r.err, "No such file or directory") != NULL, "%s",
		      r.err);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

/* When the last step, the rename, fails (made to by a filter), the
 * temporary file is removed and the old output left alone. */
START_TEST(output_rename_error_leaves_nothing)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct prog p = must_compile("default allow\n"
				     "deny rename renameat renameat2 errno 5\n",
				     NULL);
	struct result r = { 0 };
	struct stat st;

	write_file(out_path, "previous contents");
	child_filter.len = p.len;
	child_filter.filter = p.insns;
	compile_to(out_path, &r);
	child_filter.len = 0;
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, out_path);
	ck_assert_msg(strstr(r.err, strerror(EIO)) != NULL, "%s", r.err);
	ck_assert(stat(out_path, &st) == 0 && st.st_size == 17);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(stdout_output)
{
	char *argv[] = { (char *)compiler(), "-", NULL };
	struct result r = { 0 };

	run(argv, "default allow\ndeny getppid errno 3\n", &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert(r.out_len > 0 && r.out_len % 8 == 0);
	ck_assert_str_eq(r.err, "");
	result_free(&r);
}
END_TEST

START_TEST(check_option)
{
	char *good[] = { (char *)compiler(), "--check", out_path, NULL };
	struct sock_filter bad_load[2] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter bad_jump[2] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter no_ret[1] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
	};
	static const char *const opts[] = { "--preset", "flatpak", NULL };
	struct result r = { 0 };
	char want[512];
	int fd;

	must_compile_args(opts);
	run(good, NULL, &r);
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "instructions, valid") != NULL, "%s", r.out);

	write_file(out_path, "twelve bytes");
	run(good, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	snprintf(want, sizeof(want), "seccomp-compile: %s: 12 bytes is not a "
		 "whole number of 8-byte BPF instructions\n", out_path);
	ck_assert_str_eq(r.err, want);

	fd = open(out_path, O_WRONLY | O_TRUNC);
	ck_assert(write(fd, bad_load, sizeof(bad_load)) == sizeof(bad_load));
	close(fd);
	run(good, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "instruction 0 loads from offset 64") != NULL,
		      "%s", r.err);

	fd = open(out_path, O_WRONLY | O_TRUNC);
	ck_assert(write(fd, bad_jump, sizeof(bad_jump)) == sizeof(bad_jump));
	close(fd);
	run(good, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "instruction 0 jumps past the end") != NULL,
		      "%s", r.err);

	fd = open(out_path, O_WRONLY | O_TRUNC);
	ck_assert(write(fd, no_ret, sizeof(no_ret)) == sizeof(no_ret));
	close(fd);
	run(good, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "the last instruction is not a return") != NULL,
		      "%s", r.err);

	write_file(out_path, "");
	run(good, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "the program is empty") != NULL, "%s", r.err);
	result_free(&r);
}
END_TEST

START_TEST(check_warns_without_arch_check)
{
	char *argv[] = { (char *)compiler(), "--check", out_path, NULL };
	struct sock_filter allow[1] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct result r = { 0 };
	char want[512];
	int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert(write(fd, allow, sizeof(allow)) == sizeof(allow));
	close(fd);
	run(argv, NULL, &r);
	ck_assert_msg(r.code == 0, "%s", r.err);
	snprintf(want, sizeof(want), "seccomp-compile: %s: warning: the "
		 "program does not start by checking the architecture; other "
		 "ABIs may bypass it\n", out_path);
	ck_assert_str_eq(r.err, want);
	result_free(&r);
}
END_TEST

START_TEST(explain_option)
{
	char *argv[] = { (char *)compiler(), "--explain", "-", NULL };
	struct result r = { 0 };

	run(argv, "default allow\ndeny getppid a0 == 3 errno 7\n"
		"deny getpgid\n", &r);
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "action ERRNO(7);") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "filter for syscall \"getpgid\"") != NULL,
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "instructions in total") != NULL, "%s", r.out);
	result_free(&r);
}
END_TEST

/* ---- malformed input: each with its exact message --------------------- */

struct bad_input {
	const char *text;
	const char *message;   /* after "seccomp-compile: <stdin>" */
};

static const struct bad_input bad_policies[] = {
	{ "default bogus\n", ":1:9: unknown action 'bogus' (expected allow, "
	  "errno NAME, kill, kill-thread, trap or log)" },
	{ "default\n", ":1:8: expected an action (allow, errno NAME, kill, "
	  "kill-thread, trap, log) at end of line" },
	{ "default errno\n", ":1:14: expected an errno name or number (0-4095) "
	  "after 'errno'" },
	{ "default errno EWHAT\n", ":1:15: unknown errno 'EWHAT' (expected a "
	  "name such as EPERM or a number 0-4095)" },
	{ "default errno 4096\n", ":1:15: unknown errno '4096' (expected a "
	  "name such as EPERM or a number 0-4095)" },
	{ "default allow allow\n", ":1:15: unexpected 'allow' (expected end of "
	  "line)" },
	{ "frobnicate read\n", ":1:1: unknown directive 'frobnicate' (expected "
	  "default, unknown, arch, allow, deny, include or preset)" },
	{ "# fine\n\nallow\n", ":3:6: expected a system call or @group name at "
	  "end of line" },
	{ "allow @nope\n", ":1:7: unknown group '@nope' (seccomp-compile "
	  "--list-groups shows the systemd 252 groups)" },
	{ "allow read a7 == 1\n", ":1:12: no argument 'a7' (system calls have a0 "
	  "to a5, optionally with .lo32)" },
	{ "allow read a0\n", ":1:14: expected a comparison (== != < <= > >=) "
	  "after 'a0' at end of line" },
	{ "allow read a0 = 1\n", ":1:15: unexpected '=' (expected one of == != "
	  "< <= > >= &)" },
	{ "allow read a0 ==\n", ":1:17: expected a value at end of line" },
	{ "allow read a0 == NOPE\n", ":1:18: unknown value 'NOPE' (expected a "
	  "number or a constant such as CLONE_NEWUSER, TIOCSTI, AF_INET)" },
	{ "allow read a0 == 1|\n", ":1:18: empty term in value '1|'" },
	{ "allow read a0 == 99999999999999999999\n", ":1:18: unknown value "
	  "'99999999999999999999' (expected a number or a constant such as "
	  "CLONE_NEWUSER, TIOCSTI, AF_INET)" },
	{ "allow read a0 == 1 a0 == 2\n", ":1:20: a0 is already compared on "
	  "this line (libseccomp allows one comparison per argument; write two "
	  "lines for OR)" },
	{ "allow read a0 & 0xf0 > 1\n", ":1:22: a masked comparison must use "
	  "'==' (aN & MASK == VALUE)" },
	{ "allow read a0 & 0xf0 == 1\n", ":1:25: value has bits outside the "
	  "mask, so the condition can never be true" },
	{ "deny ioctl a1.lo32 >= 3\n", ":1:20: '.lo32' works only with '==' "
	  "and '& MASK ==' (libseccomp compares all 64 bits for other "
	  "operators)" },
	{ "deny ioctl a1.lo32 == 0x100000000\n", ":1:23: value does not fit in "
	  "32 bits" },
	{ "allow read a0 == 1 errno 5\n", ":1:20: unexpected 'errno' (expected "
	  "a condition aN OP VALUE or end of line)" },
	{ "deny read allow\n", ":1:11: 'deny' needs a denying action (errno, "
	  "kill, kill-thread, trap or log)" },
	{ "deny read errno EPERM extra\n", ":1:23: unexpected 'extra' (expected "
	  "end of line)" },
	{ "deny read,write\n", ":1:6: 'read,write' is not a system call or "
	  "@group name" },
	{ "arch\n", ":1:5: expected an architecture name at end of line" },
	{ "arch native pdp11\n", ":1:13: unknown architecture 'pdp11' (expected "
	  "native, x86_64, x86, x32, aarch64, arm, ...)" },
	{ "arch x86 x86\n", ":1:10: architecture listed twice" },
	{ "include\n", ":1:8: expected a file name after 'include'" },
	{ "include /nonexistent/policy\n", ":1:9: cannot read "
	  "'/nonexistent/policy': No such file or directory" },
	{ "preset nope\n", ":1:8: unknown preset 'nope' (seccomp-compile "
	  "--list-presets shows them)" },
	{ "preset flatpak extra\n", ":1:16: unexpected 'extra' (expected end of "
	  "line)" },
	{ "allow read a0 == 1 a1 == 1 a2 == 1 a3 == 1 a4 == 1 a5 == 1 a0 == 2\n",
	  ":1:60: too many conditions (at most 6)" },
};

/* Each input, on standard input, must fail with exactly its message and
 * leave no output file. */
static void expect_rejections(const struct bad_input *table, size_t n)
{
	char *argv[] = { (char *)compiler(), "-o", out_path, "-", NULL };

	for (size_t i = 0; i < n; i++) {
		struct result r = { 0 };
		char want[512];

		run(argv, table[i].text, &r);
		snprintf(want, sizeof(want), "seccomp-compile: <stdin>%s\n",
			 table[i].message);
		ck_assert_msg(r.code == 1, "case %zu: status %d", i, r.code);
		ck_assert_msg(strcmp(r.err, want) == 0, "case %zu:\n got: %s"
			      "want: %s", i, r.err, want);
		ck_assert_msg(!exists(out_path), "case %zu left an output", i);
		result_free(&r);
	}
}

START_TEST(malformed_policies)
{
	expect_rejections(bad_policies,
			  sizeof(bad_policies) / sizeof(bad_policies[0]));
}
END_TEST

START_TEST(include_loop)
{
	struct result r = { 0 };

	write_file(tmp_path("self.policy"), "include self.policy\n");
	compile_policy("include self.policy\n", NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "includes nest too deeply (more than 8 "
			     "levels)") != NULL, "%s", r.err);
	ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
		      "more than one line: %s", r.err);
	result_free(&r);
}
END_TEST

static const struct bad_input bad_json[] = {
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [}",
	  ":2:15: invalid JSON: unexpected character" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\"", ":1:35: invalid JSON: "
	  "unexpected end of input" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\"} {}", ":1:37: invalid JSON: "
	  "data after the end of the document" },
	{ "[1, 2]", ": expected a JSON object at the top level, got an array" },
	{ "{}", ": defaultAction: missing (required)" },
	{ "{\"defaultAction\": 1}", ": defaultAction: expected a string such "
	  "as \"SCMP_ACT_ERRNO\", got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_NOPE\"}", ": defaultAction: unknown "
	  "action \"SCMP_ACT_NOPE\" (expected SCMP_ACT_ALLOW, _ERRNO, _KILL, "
	  "_KILL_PROCESS, _KILL_THREAD, _TRAP, _TRACE or _LOG)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
	  ": defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, "
	  "not SCMP_ACT_ALLOW" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
	  ": defaultErrnoRet: expected a non-negative integer, got -1" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}",
	  ": defaultErrnoRet: errno 5000 is too large (at most 4095)" },
	{ "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", ": defaultAction: "
	  "SCMP_ACT_NOTIFY needs a listener at load time and cannot be stored "
	  "in a precompiled program" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/s\"}",
	  ": listenerPath: user notification cannot be used with a precompiled "
	  "program" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	  "[\"SCMP_ARCH_PDP11\"]}", ": architectures[0]: unknown architecture "
	  "\"SCMP_ARCH_PDP11\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	  "[\"SCMP_ARCH_X86\"], \"archMap\": [{\"architecture\": "
	  "\"SCMP_ARCH_X86_64\"}]}", ": both \"architectures\" and \"archMap\" "
	  "are given; use one of them" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}",
	  ": syscalls: expected an array, got an object" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"action\": "
	  "\"SCMP_ACT_ALLOW\"}]}", ": syscalls[0].names: missing (required)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[], \"action\": \"SCMP_ACT_ALLOW\"}]}", ": syscalls[0].names: must "
	  "name at least one system call" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\", 3], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	  ": syscalls[0].names[1]: expected a string, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"]}]}", ": syscalls[0].action: missing (required)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
	  ": syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or "
	  "SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"name\": \"write\", \"action\": \"SCMP_ACT_ALLOW\"}]}",
	  ": syscalls[0]: use either \"name\" or \"names\", not both" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, "
	  "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  ": syscalls[0].args[0].index: 6 is too large (at most 5)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	  "\"value\": 1, \"op\": \"SCMP_CMP_ISH\"}]}]}",
	  ": syscalls[0].args[0].op: unknown operator \"SCMP_CMP_ISH\" (expected "
	  "SCMP_CMP_EQ, _NE, _LT, _LE, _GT, _GE or _MASKED_EQ)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	  "\"op\": \"SCMP_CMP_EQ\"}]}]}",
	  ": syscalls[0].args[0].value: missing (required)" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	  "\"value\": \"1\", \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  ": syscalls[0].args[0].value: expected a non-negative integer, got a "
	  "string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	  "{\"minKernel\": \"four\"}}]}", ": syscalls[0].includes.minKernel: "
	  "expected a kernel version such as \"4.8\", got \"four\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": "
	  "{\"caps\": \"CAP_SYS_ADMIN\"}}]}", ": syscalls[0].excludes.caps: "
	  "expected an array of strings, got a string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": 5}",
	  ": architectures: expected an array, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [5]}",
	  ": archMap[0]: expected an object, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": 1}]}",
	  ": syscalls[0].args: expected an array, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "\"read\", \"action\": \"SCMP_ACT_ALLOW\"}]}",
	  ": syscalls[0].names: expected an array of system call names, got a "
	  "string" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	  "{\"arches\": [1]}}]}", ": syscalls[0].includes.arches[0]: expected a "
	  "string, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	  "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": []}]}",
	  ": syscalls[0].includes: expected an object, got an array" },
};

START_TEST(malformed_json)
{
	expect_rejections(bad_json, sizeof(bad_json) / sizeof(bad_json[0]));
}
END_TEST

START_TEST(json_semantics)
{
	/* same-index args are ORed (runc), different ones ANDed; MASKED_EQ is
	 * (mask, expected); a rule equal to the default action is skipped;
	 * unknown names warn; includes/excludes follow the host */
	static const char doc[] =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
		" {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", "
		"\"errnoRet\": 21, \"args\": [\n"
		"   {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},\n"
		"   {\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]},\n"
		" {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", "
		"\"errnoRet\": 22, \"args\": [\n"
		"   {\"index\": 1, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"},\n"
		"   {\"index\": 2, \"value\": 240, \"valueTwo\": 48, "
		"\"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
		" {\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
		" {\"name\": \"getsid\", \"action\": \"SCMP_ACT_ERRNO\"},\n"
		" {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\", "
		"\"errnoRet\": 23, \"includes\": {\"arches\": [\"s390x\"]}},\n"
		" {\"names\": [\"gettid\"], \"action\": \"SCMP_ACT_ERRNO\", "
		"\"errnoRet\": 24, \"excludes\": {\"minKernel\": \"99.0\"}},\n"
		" {\"names\": [\"no_such_call\"], \"action\": \"SCMP_ACT_KILL\"}\n"
		"]}\n";
	char *argv[] = { (char *)compiler(), "-o", out_path, "-", NULL };
	struct result r = { 0 };
	struct prog p;
	struct probe q = P(SYS_getppid, 0, 5, 0x3f);

	run(argv, doc, &r);
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_str_eq(r.err, "seccomp-compile: <stdin>: warning: "
			 "syscalls[6].names[0]: unknown system call "
			 "\"no_such_call\" skipped\n");
	p = load_output();
	expect_errno(&p, P(SYS_getppid, 1, 0, 0), 21);
	expect_errno(&p, P(SYS_getppid, 2, 0, 0), 21);
	expect_allowed(&p, P(SYS_getppid, 3, 0, 0));
	expect_errno(&p, q, 22);
	q.a[2] = 0x4f;
	expect_allowed(&p, q);
	q.a[1] = 6;
	q.a[2] = 0x3f;
	expect_allowed(&p, q);
	expect_errno(&p, P(SYS_getsid, 0, 0, 0), EPERM);
	expect_allowed(&p, P(SYS_getpid, 0, 0, 0));
	expect_errno(&p, P(SYS_gettid, 0, 0, 0), 24);
	result_free(&r);
}
END_TEST

START_TEST(cli_errors)
{
	static const struct { const char *a, *b, *msg; } cases[] = {
		{ "--bogus", NULL, "unknown option or missing argument: "
		  "'--bogus' (see --help)" },
		{ "--preset", "nope", "--preset: unknown preset 'nope' (see "
		  "--list-presets)" },
		{ "--arch", "pdp11", "--arch: unknown architecture 'pdp11'" },
		{ "--optimize", "fast", "--optimize: expected 'tree' or 'linear', "
		  "got 'fast'" },
		{ "--format", "yaml", "--format: expected 'policy' or 'json', "
		  "got 'yaml'" },
		{ "--kernel", "five", "--kernel: expected a version such as 5.15, "
		  "got 'five'" },
		{ "/nonexistent.policy", NULL, "cannot read '/nonexistent.policy': "
		  "No such file or directory" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { (char *)compiler(), "-o", out_path,
				 (char *)cases[i].a, (char *)cases[i].b, NULL };
		char want[256];
		struct result r = { 0 };

		run(argv, "", &r);
		snprintf(want, sizeof(want), "seccomp-compile: %s\n", cases[i].msg);
		ck_assert_msg(r.code == 1, "case %zu: status %d", i, r.code);
		ck_assert_msg(strcmp(r.err, want) == 0, "case %zu:\n got: %s"
			      "want: %s", i, r.err, want);
		ck_assert(!exists(out_path));
		result_free(&r);
	}
}
END_TEST

START_TEST(list_and_show)
{
	char *groups[] = { (char *)compiler(), "--show-group", "@mount", NULL };
	char *presets[] = { (char *)compiler(), "--list-presets", NULL };
	struct result r = { 0 };

	run(groups, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert_msg(strstr(r.out, "systemd 252") && strstr(r.out, "\npivot_root\n"),
		      "%s", r.out);
	run(presets, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert(strstr(r.out, "flatpak") && strstr(r.out, "docker-default") &&
		  strstr(r.out, "build"));
	result_free(&r);
}
END_TEST

/* ---- end to end through the sandbox ----------------------------------- */

static const char *foil(void)
{
	const char *f = getenv("FOIL");

	return f && *f ? f : "../../foil";
}

/* Runs `cmd...` in the sandbox with the program on an inherited fd (none if
 * NULL).  The fd number is whatever open() returns: forcing 3 could clobber
 * a descriptor the test framework uses. */
static void sandbox(const char *bpf, char *const cmd[], struct result *r)
{
	char probe_dir[4096], fdstr[16];
	char *argv[32];
	struct spawn o = { 0 };
	int n = 0, fd = -1;

	ck_assert(getcwd(probe_dir, sizeof(probe_dir)) != NULL);
	argv[n++] = (char *)foil();
	argv[n++] = "--ro-bind";
	argv[n++] = "/";
	argv[n++] = "/";
	argv[n++] = "--dev";
	argv[n++] = "/dev";
	argv[n++] = "--proc";
	argv[n++] = "/proc";
	argv[n++] = "--unshare-pid";
	argv[n++] = "--chdir";
	argv[n++] = probe_dir;
	if (bpf) {
		fd = open(bpf, O_RDONLY | O_CLOEXEC);
		ck_assert(fd >= 0);
		o.keep_fds[o.nkeep++] = fd;   /* the sandbox reads it */
		snprintf(fdstr, sizeof(fdstr), "%d", fd);
		argv[n++] = "--seccomp";
		argv[n++] = fdstr;
	}
	for (; *cmd; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	o.exec_path = argv[0];
	result_free(r);
	spawn_run(r, &o, argv);
	if (fd >= 0)
		close(fd);
}

START_TEST(end_to_end_flatpak)
{
	static const char *const opts[] = { "--preset", "flatpak", NULL };
	char *ls[] = { "ls", "/", NULL };
	char *unshare_u[] = { "unshare", "-U", "true", NULL };
	char *sti[] = { "./seccomp-probe", "tiocsti", NULL };
	char *sti_high[] = { "./seccomp-probe", "tiocsti-high", NULL };
	struct result r = { 0 };
	const char *unpriv = getenv("FOIL_TEST_UNPRIVILEGED_ONLY");

	if (unpriv && strcmp(unpriv, "1") == 0 && geteuid() == 0) {
		fprintf(stderr, "end_to_end_flatpak: skipped: "
			"FOIL_TEST_UNPRIVILEGED_ONLY=1 as root (the sandbox "
			"would run as root and mount file systems; make "
			"check-seccomp as another user runs it)\n");
		return;
	}
	ck_assert_msg(access(foil(), X_OK) == 0, "the sandbox %s is missing or "
		      "not executable (build it first, or set FOIL)", foil());
	ck_assert_msg(access("seccomp-probe", X_OK) == 0, "tests/seccomp-compile/"
		      "seccomp-probe is not built");
	must_compile_args(opts);

	/* without the filter: everything works, so the test can fail */
	sandbox(NULL, sti, &r);
	ck_assert_msg(r.code == 0 && strcmp(r.out, "errno ENOTTY\n") == 0,
		      "unfiltered TIOCSTI probe: status %d out %s err %s",
		      r.code, r.out, r.err);
	sandbox(NULL, unshare_u, &r);
	ck_assert_msg(r.code == 0, "unfiltered unshare -U failed: %s", r.err);

	sandbox(out_path, ls, &r);
	ck_assert_msg(r.code == 0 && strstr(r.out, "usr\n") != NULL,
		      "ls under the filter: status %d out %s err %s", r.code,
		      r.out, r.err);
	sandbox(out_path, unshare_u, &r);
	ck_assert_msg(r.code != 0 && strstr(r.err, "Operation not permitted"),
		      "unshare -U under the filter: status %d err %s", r.code,
		      r.err);
	sandbox(out_path, sti, &r);
	ck_assert_msg(r.code == 0 && strcmp(r.out, "errno EPERM\n") == 0,
		      "TIOCSTI under the filter: status %d out %s err %s",
		      r.code, r.out, r.err);
	sandbox(out_path, sti_high, &r);
	ck_assert_msg(r.code == 0 && strcmp(r.out, "errno EPERM\n") == 0,
		      "TIOCSTI (high bits) under the filter: status %d out %s "
		      "err %s", r.code, r.out, r.err);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp-compile");
	TCase *tc;

	tc = tcase("presets");
	tcase_add_test(tc, preset_flatpak);
	tcase_add_test(tc, preset_flatpak_compat);
	tcase_add_test(tc, preset_docker_default);
	tcase_add_test(tc, preset_build);
	suite_add_tcase(s, tc);

	tc = tcase("json");
	tcase_add_test(tc, json_docker_default);
	tcase_add_test(tc, json_docker_caps);
	tcase_add_test(tc, json_docker_compat);
	tcase_add_test(tc, json_podman_default);
	tcase_add_test(tc, json_semantics);
	suite_add_tcase(s, tc);

	tc = tcase("policy");
	tcase_add_test(tc, policy_example);
	tcase_add_test(tc, policy_example_compat);
	tcase_add_test(tc, policy_arg_boundaries);
	tcase_add_test(tc, policy_arg_boundaries_more);
	tcase_add_test(tc, policy_compat_args);
	tcase_add_test(tc, policy_precedence);
	tcase_add_test(tc, policy_default_kill);
	tcase_add_test(tc, policy_arch_native_only);
	tcase_add_test(tc, policy_include_and_preset);
	tcase_add_test(tc, policy_data_file);
	tcase_add_test(tc, unknown_names_real);
	suite_add_tcase(s, tc);

	tc = tcase("output");
	tcase_add_test(tc, too_many_instructions);
	tcase_add_test(tc, too_many_rules_per_call);
	tcase_add_test(tc, output_never_partial);
	tcase_add_test(tc, no_temp_files_left);
	tcase_add_test(tc, output_char_device);
	tcase_add_test(tc, output_fifo);
	tcase_add_test(tc, output_regular_keeps_mode);
	tcase_add_test(tc, output_regular_keeps_owner);
	tcase_add_test(tc, output_symlink_followed);
	tcase_add_test(tc, output_dangling_symlink_refused);
	tcase_add_test(tc, output_missing_directory);
	tcase_add_test(tc, output_rename_error_leaves_nothing);
	tcase_add_test(tc, stdout_output);
	tcase_add_test(tc, check_option);
	tcase_add_test(tc, check_warns_without_arch_check);
	tcase_add_test(tc, explain_option);
	tcase_add_test(tc, list_and_show);
	suite_add_tcase(s, tc);

	tc = tcase("malformed");
	tcase_add_test(tc, malformed_policies);
	tcase_add_test(tc, malformed_json);
	tcase_add_test(tc, include_loop);
	tcase_add_test(tc, cli_errors);
	suite_add_tcase(s, tc);

	tc = tcase("end-to-end");
	tcase_add_test(tc, end_to_end_flatpak);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
