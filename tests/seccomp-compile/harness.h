/* harness.h: what the test files of seccomp-compile share (harness.c):
 * running the compiler, reading the program it wrote, and probing a loaded
 * program with raw system calls.
 *
 * The tests are grouped by topic, one file each; main.c builds the suite
 * from their registration functions:
 *   check_policy.c      the line-format front end, and its error messages
 *   check_json.c        the OCI/Docker JSON front end, and its messages
 *   check_output.c      size limits, -o and what it replaces, stdout
 *   check_cli.c         --check, --explain, bad options
 *   check_presets.c     the presets, --show-group, --list-presets
 *   check_end_to_end.c  a compiled program loaded by the sandbox */
#ifndef SC_TEST_HARNESS_H
#define SC_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>     /* SKIP_WITHOUT_COMPAT */
#include <linux/filter.h>

#include "../lib/files.h"  /* write_file */
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

/* Each test's own directory (made by the fixture, removed after it), and
 * the output file the compile helpers pass to -o, inside it. */
extern char tmpdir[64];
extern char out_path[128];

/* ---- running the compiler ------------------------------------------ */

/* $SECCOMP_COMPILE, or the one built in this tree. */
const char *compiler(void);

/* A seccomp filter for the commands run() starts next (len 0: none), so
 * that a test can make one of the compiler's system calls fail. */
extern struct sock_fprog child_filter;

/* Runs argv (argv[0] is looked up in PATH when it has no '/') with `input`
 * on stdin (NULL: nothing), under child_filter, and captures its exit
 * status, stdout and stderr in r.  r must be zeroed or hold an earlier
 * result, which is freed first; result_free() releases the last one. */
void run(char *const argv[], const char *input, struct result *r);

bool exists(const char *path);

/* tmpdir/name, in one of four buffers used in turn. */
char *tmp_path(const char *name);

/* Compiles `policy` (written to the file "policy") with extra options, or
 * the options alone, into out_path, which is removed first. */
void compile_policy(const char *policy, const char *const *opts,
		    struct result *r);
void compile_args(const char *const *opts, struct result *r);

struct prog {
	struct sock_filter *insns;
	unsigned short len;
};

/* The program in out_path; valid until the next call. */
struct prog load_output(void);

/* As compile_policy() and compile_args(), failing the test unless the
 * compiler succeeds; the program it wrote. */
struct prog must_compile(const char *policy, const char *const *opts);
struct prog must_compile_args(const char *const *opts);

/* Each input, on standard input, must fail with exactly its message and
 * leave no output file. */
struct bad_input {
	const char *text;
	const char *message;   /* after "seccomp-compile: <stdin>" */
};

void expect_rejections(const struct bad_input *table, size_t n);

/* ---- probing a loaded filter ---------------------------------------- */

struct probe {
	long nr;
	unsigned long a[5];
	bool compat;         /* through int $0x80: the i386 ABI */
	bool forks;          /* clone-like: the new child must just exit */
};

/* A native call, the same through the i386 ABI, and clone(flags). */
struct probe P(long nr, unsigned long a0, unsigned long a1, unsigned long a2);
struct probe P32(long nr, unsigned long a0, unsigned long a1,
		 unsigned long a2);
struct probe FORK(unsigned long flags);

/* Each runs the probe in a fresh child under `prog` and fails the test
 * unless it ends as said: with errno `e`, as it does without a filter,
 * or killed by SIGSYS. */
#define expect_errno(prog, probe, e) expect_errno_at(prog, probe, e, #probe, __LINE__)
#define expect_allowed(prog, probe) expect_allowed_at(prog, probe, #probe, __LINE__)
#define expect_killed(prog, probe) expect_killed_at(prog, probe, #probe, __LINE__)

void expect_errno_at(const struct prog *prog, struct probe probe, int e,
		     const char *what, int line);
void expect_allowed_at(const struct prog *prog, struct probe probe,
		       const char *what, int line);
void expect_killed_at(const struct prog *prog, struct probe probe,
		      const char *what, int line);

/* Whether this machine runs i386 code (IA-32 emulation in the kernel). */
bool compat_available(void);

#define SKIP_WITHOUT_COMPAT()                                               \
	do {                                                                \
		if (!compat_available()) {                                  \
			fprintf(stderr, "%s: skipped: this machine cannot run " \
				"i386 system calls (not x86_64, or the kernel " \
				"has no IA-32 emulation)\n", __func__);     \
			return;                                             \
		}                                                           \
	} while (0)

/* ---- fixtures and small helpers --------------------------------------- */

void setup(void);
void teardown(void);

/* /dev/null, opened read-write: an fd for ioctl probes. */
int devnull(void);

/* Fails, naming the Debian package, unless `path` exists. */
void need_file(const char *path, const char *package);

/* What Docker 20.10's default profile does for an unprivileged container;
 * shared by the preset (check_presets.c) and the real JSON file. */
void docker_behaviour(const struct prog *p);

/* ---- the suite ------------------------------------------------------ */

/* The test cases of the suite (their names show in Check's messages); each
 * file adds its tests to the ones it belongs to. */
struct tcases {
	TCase *presets, *json, *policy, *output, *malformed, *end_to_end;
};

void register_preset_tests(const struct tcases *tc);
void register_json_tests(const struct tcases *tc);
void register_policy_tests(const struct tcases *tc);
void register_output_tests(const struct tcases *tc);
void register_cli_tests(const struct tcases *tc);
void register_end_to_end_tests(const struct tcases *tc);

#endif
