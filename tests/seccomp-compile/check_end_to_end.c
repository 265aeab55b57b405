/* check_end_to_end.c: a compiled program loaded by the sandbox
 * ($FOIL, default: the foil built in this tree) with --seccomp FD, and
 * what it stops there. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

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

void register_end_to_end_tests(const struct tcases *tc)
{
	tcase_add_test(tc->end_to_end, end_to_end_flatpak);
}
