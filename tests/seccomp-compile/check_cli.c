/* check_cli.c: the command line beyond compiling: --check, which
 * validates a raw program as the kernel would, --explain, and the message
 * for each kind of bad option. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* ---- --check and --explain ---------------------------------------------- */

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

/* ---- bad options: each with its exact message ------------------------- */

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

void register_cli_tests(const struct tcases *tc)
{
	tcase_add_test(tc->output, check_option);
	tcase_add_test(tc->output, check_warns_without_arch_check);
	tcase_add_test(tc->output, explain_option);
	tcase_add_test(tc->malformed, cli_errors);
}
