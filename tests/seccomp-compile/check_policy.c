/* check_policy.c: the line-format front end: rule by rule, includes and
 * presets, unknown names, and a message for each kind of malformed line. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

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

/* ---- malformed policies: each with its exact message ------------------ */

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

void register_policy_tests(const struct tcases *tc)
{
	tcase_add_test(tc->policy, policy_example);
	tcase_add_test(tc->policy, policy_example_compat);
	tcase_add_test(tc->policy, policy_arg_boundaries);
	tcase_add_test(tc->policy, policy_arg_boundaries_more);
	tcase_add_test(tc->policy, policy_compat_args);
	tcase_add_test(tc->policy, policy_precedence);
	tcase_add_test(tc->policy, policy_default_kill);
	tcase_add_test(tc->policy, policy_arch_native_only);
	tcase_add_test(tc->policy, policy_include_and_preset);
	tcase_add_test(tc->policy, policy_data_file);
	tcase_add_test(tc->policy, unknown_names_real);
	tcase_add_test(tc->malformed, malformed_policies);
	tcase_add_test(tc->malformed, include_loop);
}
