/* check_presets.c: the built-in presets, probed one by one, and the
 * listings of presets and systemd's groups. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* ---- presets ------------------------------------------------------------ */

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

void docker_behaviour(const struct prog *p)
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

/* ---- listings --------------------------------------------------------- */

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

void register_preset_tests(const struct tcases *tc)
{
	tcase_add_test(tc->presets, preset_flatpak);
	tcase_add_test(tc->presets, preset_flatpak_compat);
	tcase_add_test(tc->presets, preset_docker_default);
	tcase_add_test(tc->presets, preset_build);
	tcase_add_test(tc->output, list_and_show);
}
