/* harness.c: running the compiler, probing the programs it writes, and
 * the per-test fixture, for the test files of seccomp-compile (see
 * harness.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

char tmpdir[64];
char out_path[128];
struct sock_fprog child_filter;

/* ---- running the compiler ------------------------------------------ */

const char *compiler(void)
{
	const char *c = getenv("SECCOMP_COMPILE");

	return c && *c ? c : "../../seccomp-compile/seccomp-compile";
}

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

void run(char *const argv[], const char *input, struct result *r)
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

char *tmp_path(const char *name)
{
	static char buf[4][192];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

/* Runs the compiler with `opts`, then -o out_path and `input` (NULL: no
 * input argument), out_path removed first. */
static void compile_to_output(const char *const *opts, const char *input,
			      struct result *r)
{
	char *argv[16];
	int n = 0;

	argv[n++] = (char *)compiler();
	for (; opts && *opts && n < 12; opts++)
		argv[n++] = (char *)*opts;
	argv[n++] = "-o";
	argv[n++] = out_path;
	if (input)
		argv[n++] = (char *)input;
	argv[n] = NULL;
	unlink(out_path);
	run(argv, NULL, r);
}

void compile_policy(const char *policy, const char *const *opts,
		    struct result *r)
{
	write_file(tmp_path("policy"), policy);
	compile_to_output(opts, tmp_path("policy"), r);
}

void compile_args(const char *const *opts, struct result *r)
{
	compile_to_output(opts, NULL, r);
}

/* The last program read; a static buffer, as no valid program is larger. */
static struct sock_filter prog_buf[4096];

struct prog load_output(void)
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

/* The program a compile wrote, once r says it succeeded. */
static struct prog compiled(struct result *r)
{
	ck_assert_msg(r->code == 0, "compile failed (%d): %s", r->code, r->err);
	result_free(r);
	return load_output();
}

struct prog must_compile(const char *policy, const char *const *opts)
{
	struct result r = { 0 };

	compile_policy(policy, opts, &r);
	return compiled(&r);
}

struct prog must_compile_args(const char *const *opts)
{
	struct result r = { 0 };

	compile_args(opts, &r);
	return compiled(&r);
}

/* ---- probing a loaded filter ---------------------------------------- */

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

struct probe P(long nr, unsigned long a0, unsigned long a1,
		      unsigned long a2)
{
	struct probe p = { .nr = nr, .a = { a0, a1, a2, 0, 0 } };

	return p;
}

struct probe P32(long nr, unsigned long a0, unsigned long a1,
			unsigned long a2)
{
	struct probe p = P(nr, a0, a1, a2);

	p.compat = true;
	return p;
}

struct probe FORK(unsigned long flags)
{
	struct probe p = P(SYS_clone, flags, 0, 0);

	p.forks = true;
	return p;
}

void expect_errno_at(const struct prog *prog, struct probe probe, int e,
			    const char *what, int line)
{
	struct outcome o = run_probe(prog, &probe);

	ck_assert_msg(!o.sig && !o.ok && o.err == e,
		      "line %d: %s: expected errno %s, got sig=%d ok=%d errno=%s",
		      line, what, strerrorname_np(e), o.sig, o.ok,
		      o.ok ? "-" : strerrorname_np(o.err));
}

void expect_allowed_at(const struct prog *prog, struct probe probe,
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

void expect_killed_at(const struct prog *prog, struct probe probe,
			     const char *what, int line)
{
	struct outcome o = run_probe(prog, &probe);

	ck_assert_msg(o.sig == SIGSYS, "line %d: %s: expected death by SIGSYS, "
		      "got sig=%d ok=%d errno=%d", line, what, o.sig, o.ok, o.err);
}

bool compat_available(void)
{
	struct outcome o;
	struct probe p = P32(NR32_GETPID, 0, 0, 0);

#if !defined(__x86_64__)
	return false;
#endif
	o = run_probe(NULL, &p);
	return !o.sig && o.ok;
}

/* ---- fixtures --------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/seccomp-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert(mkdtemp(tmpdir) != NULL);
	snprintf(out_path, sizeof(out_path), "%s/out.bpf", tmpdir);
}

void teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int devnull(void)
{
	int fd = open("/dev/null", O_RDWR);

	ck_assert(fd >= 0);
	return fd;
}

void need_file(const char *path, const char *package)
{
	ck_assert_msg(exists(path), "%s is missing: install the Debian package "
		      "%s (install-deps.sh does)", path, package);
}

void expect_rejections(const struct bad_input *table, size_t n)
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
