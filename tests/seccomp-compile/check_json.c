/* check_json.c: the OCI/Docker JSON front end: the real Docker and Podman
 * profiles, what runc's meaning of a profile compiles to, and a message for
 * each kind of malformed profile. */
#include <errno.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "harness.h"

/* ---- real Docker and Podman profiles ---------------------------------- */

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

/* ---- the meaning of a profile ------------------------------------------ */

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

/* ---- malformed profiles: each with its exact message ------------------ */

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

void register_json_tests(const struct tcases *tc)
{
	tcase_add_test(tc->json, json_docker_default);
	tcase_add_test(tc->json, json_docker_caps);
	tcase_add_test(tc->json, json_docker_compat);
	tcase_add_test(tc->json, json_podman_default);
	tcase_add_test(tc->json, json_semantics);
	tcase_add_test(tc->malformed, malformed_json);
}
