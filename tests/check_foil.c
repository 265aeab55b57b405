/* Integration tests of foil's command line: every option of issue 2,
 * positive and negative. They run the real binary named by $FOIL and are
 * run three times by run-integration.sh (setuid copy, user namespaces,
 * root); the mode is the test case name in Check's output.
 *
 * Attack tests are in check_attacks.c, helpers in harness.c. Every test
 * here also passes against bwrap unless a comment says otherwise. */
#include "harness.h"
#include "suites.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


/* Same without the probe bind (for errors before anything runs). */
#define RUN_BARE(r, ...)                     \
    do {                                     \
        struct args a_ = { 0 };              \
        args_addv(&a_, __VA_ARGS__, END);   \
        run((r), NULL, &a_);                 \
        args_free(&a_);                      \
    } while (0)

static const char *hostns(const char *ns)
{
    static char buf[8][64];
    static int i;
    i = (i + 1) % 8;
    pathf(buf[i], sizeof buf[i], "%s", ns_inode(0, ns));
    return buf[i];
}

/* Asserts that namespace NS inside (from probe status) is (not) the host's. */
static void assert_ns(const struct result *r, const char *ns, bool same)
{
    char key[32];
    pathf(key, sizeof key, "ns %s", ns);
    const char *in = value_of(r->out, key);
    ck_assert_msg(in != NULL, "no %s in probe output:\n%s\n%s", key, r->out, r->err);
    const char *host = hostns(ns);
    if (same)
        ck_assert_msg(!strcmp(in, host), "%s namespace differs from the host's (%s vs %s)", ns, in, host);
    else
        ck_assert_msg(strcmp(in, host) != 0, "%s namespace is the host's (%s)", ns, in);
}

/* ---------------- general ---------------- */

START_TEST(help)
{
    struct result r;
    RUN_BARE(&r, "--help");
    assert_ok(&r);
    /* bwrap's usage line names the program exactly as invoked (its suite checks that). */
    char want[4200];
    pathf(want, sizeof want, "usage: %s [", cfg.foil);
    ck_assert_msg(!strncmp(r.out, want, strlen(want)), "--help output does not start with \"%s\":\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "--ro-bind") && strstr(r.out, "--unshare-user"), "--help lacks options");
    result_free(&r);
}
END_TEST

/* Invoked as bwrap, the second word of --version is bubblewrap's X.Y.Z, as
 * BuildStream parses it to decide on --die-with-parent (>= 0.1.8). */
START_TEST(version_as_bwrap)
{
    char link[4200];
    unsigned x, y, z;
    char end;
    pathf(link, sizeof link, "%s/bwrap", W);
    ck_assert(symlink(cfg.foil, link) == 0);
    struct spawn o = { .exec_path = link };
    struct args a = { 0 };
    struct result r;
    args_add(&a, "--version");
    run(&r, &o, &a);
    assert_ok(&r);
    ck_assert_msg(sscanf(r.out, "bubblewrap %u.%u.%u%c", &x, &y, &z, &end) == 4 && (end == ' ' || end == '\n'),
                  "--version as bwrap: expected \"bubblewrap X.Y.Z\":\n%s", r.out);
    ck_assert_msg(x > 0 || y > 1 || (y == 1 && z >= 8), "--version as bwrap: %u.%u.%u is older than 0.1.8", x, y, z);
    args_free(&a);
    result_free(&r);
}
END_TEST

START_TEST(version)
{
    struct result r;
    RUN_BARE(&r, "--version");
    assert_ok(&r);
    ck_assert_msg(count_lines(r.out) == 1, "--version: expected one line:\n%s", r.out);
    const char *sp = strchr(r.out, ' ');
    ck_assert_msg(sp && sp[1] >= '0' && sp[1] <= '9', "--version: expected \"NAME X.Y\":\n%s", r.out);
    result_free(&r);
}
END_TEST

/* Without a command there is nothing to run: usage on stderr, exit 1. */
START_TEST(no_arguments)
{
    struct result r;
    struct args a = { 0 };
    run(&r, NULL, &a);
    ck_assert_msg(r.code == 1, "exit %d, expected 1", r.code);
    ck_assert_msg(r.out[0] == 0, "stdout not empty:\n%s", r.out);
    ck_assert_msg(r.err[0] != 0, "no usage on stderr");
    result_free(&r);
}
END_TEST

START_TEST(unknown_option)
{
    struct result r;
    struct snapshot s;
    snap_take(&s);
    RUN(&r, "--frobnicate", "/probe", "status");
    assert_one_error(&r, "--frobnicate");
    snap_assert_unchanged(&s);
    assert_no_children();
    result_free(&r);
}
END_TEST

/* Each option given without its argument(s), at the end of the line. */
START_TEST(missing_arguments)
{
    static const char *const one[] = {
        "--uid", "--gid", "--hostname", "--chdir", "--unsetenv", "--remount-ro", "--proc", "--dev",
        "--tmpfs", "--mqueue", "--dir", "--cap-add", "--cap-drop", "--seccomp", "--add-seccomp-fd",
    };
    static const char *const two[] = {
        "--setenv", "--bind", "--bind-try", "--ro-bind", "--ro-bind-try", "--dev-bind",
        "--dev-bind-try", "--symlink",
    };
    struct result r;
    struct snapshot s;
    snap_take(&s);
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        RUN_BARE(&r, one[i]);
        assert_one_error(&r, one[i]);
        result_free(&r);
    }
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        RUN_BARE(&r, two[i]);
        assert_one_error(&r, two[i]);
        result_free(&r);
        RUN_BARE(&r, two[i], "/x");
        assert_one_error(&r, two[i]);
        result_free(&r);
    }
    snap_assert_unchanged(&s);
    assert_no_children();
}
END_TEST

/* Malformed numbers: the error names the option or the value. */
START_TEST(bad_numbers)
{
    static const char *const cases[][2] = {
        { "--uid", "abc" }, { "--gid", "12x" }, { "--seccomp", "abc" }, { "--add-seccomp-fd", "-1" },
        { "--seccomp", "0a" },
    };
    struct snapshot s;
    snap_take(&s);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct result r;
        RUN(&r, "--unshare-user", cases[i][0], cases[i][1], "/probe", "status");
        assert_one_error(&r, NULL);
        ck_assert_msg(strstr(r.err, cases[i][0]) || strstr(r.err, cases[i][1]),
                      "error for %s %s names neither:\n%s", cases[i][0], cases[i][1], r.err);
        result_free(&r);
    }
    snap_assert_unchanged(&s);
    assert_no_children();
}
END_TEST

/* "--" ends the options: a command that looks like an option runs. */
START_TEST(double_dash)
{
    struct result r;
    RUN(&r, "--setenv", "PATH", "/x", "--ro-bind", cfg.probe, "/x/--frob", "--", "--frob", "exit", "3");
    ASSERT_CODE(&r, 3);
    result_free(&r);
    RUN(&r, "--setenv", "PATH", "/x", "--ro-bind", cfg.probe, "/x/--frob", "--frob", "exit", "3");
    assert_one_error(&r, "--frob");
    result_free(&r);
}
END_TEST

/* A "bwrap" symlink to the binary prints "bwrap: ". */
START_TEST(error_prefix_bwrap_symlink)
{
    char link[4200];
    struct result r;
    struct args a = { 0 };
    struct spawn o = { 0 };
    pathf(link, sizeof link, "%s/bwrap", W);
    ck_assert(symlink(cfg.foil, link) == 0);
    o.exec_path = link;
    args_addv(&a, "--frobnicate", "true", END);
    run(&r, &o, &a);
    ck_assert_msg(r.code == 1 && !strncmp(r.err, "bwrap: ", 7) && count_lines(r.err) == 1,
                  "exit %d, stderr:\n%s", r.code, r.err);
    args_free(&a);
    result_free(&r);
}
END_TEST

/* foil-specific: the prefix is the name foil was invoked as.
 * EXPECTED TO FAIL AGAINST bwrap, which always prints "bwrap: ". */
START_TEST(error_prefix_invoked_name)
{
    char link[4200];
    struct result r;
    struct args a = { 0 };
    struct spawn o = { 0 };
    pathf(link, sizeof link, "%s/sbx-tool", W);
    ck_assert(symlink(cfg.foil, link) == 0);
    o.exec_path = link;
    args_addv(&a, "--frobnicate", "true", END);
    run(&r, &o, &a);
    ck_assert_msg(r.code == 1 && !strncmp(r.err, "sbx-tool: ", 10) && count_lines(r.err) == 1,
                  "expected one line \"sbx-tool: ...\", exit 1; got exit %d, stderr:\n%s", r.code, r.err);
    args_free(&a);
    result_free(&r);
}
END_TEST

START_TEST(exit_status)
{
    static const char *const pidns[] = { NULL, "--unshare-pid" };
    for (int p = 0; p < 2; p++) {
        struct result r;
        const char *flag = pidns[p] ? pidns[p] : "--unsetenv";
        const char *arg = pidns[p] ? "--unshare-net" : "NOTHING";
        RUN(&r, flag, arg, "/probe", "exit", "7");
        ASSERT_CODE(&r, 7);
        result_free(&r);
        RUN(&r, flag, arg, "/probe", "exit", "0");
        ASSERT_CODE(&r, 0);
        result_free(&r);
        RUN(&r, flag, arg, "/probe", "kill", "9");
        ASSERT_CODE(&r, 137);
        result_free(&r);
        RUN(&r, flag, arg, "/probe", "kill", "15");
        ASSERT_CODE(&r, 143);
        result_free(&r);
    }
}
END_TEST

START_TEST(exec_failure)
{
    struct result r;
    struct snapshot s;
    snap_take(&s);
    RUN(&r, "--unshare-pid", "/no-such-command");
    assert_one_error(&r, "/no-such-command");
    snap_assert_unchanged(&s);
    assert_no_children();
    result_free(&r);
}
END_TEST

/* ---------------- namespaces ---------------- */

START_TEST(ns_default)
{
    struct result r;
    RUN(&r, "--proc", "/proc", "/probe", "status");
    assert_ok(&r);
    assert_ns(&r, "net", true);
    assert_ns(&r, "ipc", true);
    assert_ns(&r, "uts", true);
    assert_ns(&r, "cgroup", true);
    assert_ns(&r, "pid", true);
    assert_ns(&r, "mnt", false);
    if (cfg.mode == MODE_ROOT)
        assert_ns(&r, "user", true);
    if (cfg.mode == MODE_USERNS)
        assert_ns(&r, "user", false);
    result_free(&r);
}
END_TEST

static void unshare_case(const char *flag, const char *ns)
{
    struct result r;
    RUN(&r, flag, "--proc", "/proc", "/probe", "status");
    assert_ok(&r);
    assert_ns(&r, ns, false);
    assert_ns(&r, "net", !strcmp(ns, "net") ? false : true);
    result_free(&r);
}

START_TEST(unshare_user) { unshare_case("--unshare-user", "user"); }
END_TEST
START_TEST(unshare_user_try) { unshare_case("--unshare-user-try", "user"); }
END_TEST
START_TEST(unshare_ipc) { unshare_case("--unshare-ipc", "ipc"); }
END_TEST
START_TEST(unshare_uts) { unshare_case("--unshare-uts", "uts"); }
END_TEST
START_TEST(unshare_cgroup) { unshare_case("--unshare-cgroup", "cgroup"); }
END_TEST
START_TEST(unshare_cgroup_try) { unshare_case("--unshare-cgroup-try", "cgroup"); }
END_TEST

START_TEST(unshare_pid)
{
    struct result r;
    RUN(&r, "--unshare-pid", "--proc", "/proc", "/probe", "status", "+", "stat", "/proc/1");
    assert_ok(&r);
    assert_ns(&r, "pid", false);
    const char *pid = value_of(r.out, "pid");
    ck_assert_msg(pid && atoi(pid) > 1 && atoi(pid) < 10, "payload pid %s, expected small and not 1 "
                  "(a reaper is pid 1)", pid ? pid : "?");
    ck_assert_msg(strstr(r.out, "stat /proc/1: dir"), "no /proc/1:\n%s", r.out);
    result_free(&r);
}
END_TEST

START_TEST(unshare_net)
{
    struct result r;
    RUN(&r, "--unshare-net", "--proc", "/proc", "/probe", "status", "+", "lo");
    assert_ok(&r);
    assert_ns(&r, "net", false);
    ASSERT_LINE(&r, "lo up: 1");
    ASSERT_LINE(&r, "lo addr: 127.0.0.1");
    ASSERT_LINE(&r, "interfaces: lo");
    result_free(&r);
}
END_TEST

START_TEST(share_net)
{
    struct result r;
    RUN(&r, "--unshare-all", "--share-net", "--proc", "/proc", "/probe", "status");
    assert_ok(&r);
    assert_ns(&r, "net", true);
    assert_ns(&r, "ipc", false);
    assert_ns(&r, "uts", false);
    assert_ns(&r, "pid", false);
    result_free(&r);
}
END_TEST

START_TEST(unshare_all)
{
    struct result r;
    RUN(&r, "--unshare-all", "--proc", "/proc", "/probe", "status", "+", "lo");
    assert_ok(&r);
    static const char *const all[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_ns(&r, all[i], false);
    ASSERT_LINE(&r, "lo up: 1");
    result_free(&r);
}
END_TEST

START_TEST(hostname)
{
    char before[256], after[256];
    struct result r;
    gethostname(before, sizeof before);
    RUN(&r, "--unshare-uts", "--hostname", "sbx-host", "/probe", "status");
    assert_ok(&r);
    ASSERT_LINE(&r, "hostname: sbx-host");
    result_free(&r);
    gethostname(after, sizeof after);
    ck_assert_str_eq(before, after);
    /* Without a UTS namespace the host's name must not be changed. */
    struct snapshot s;
    snap_take(&s);
    RUN(&r, "--hostname", "sbx-host", "/probe", "status");
    assert_one_error(&r, "--hostname");
    snap_assert_unchanged(&s);
    assert_no_children();
    result_free(&r);
    gethostname(after, sizeof after);
    ck_assert_str_eq(before, after);
}
END_TEST

/* ---------------- identity and environment ---------------- */

START_TEST(uid_gid)
{
    struct result r;
    RUN(&r, "--unshare-user", "--uid", "1234", "--gid", "5678", "/probe", "status");
    if (setuid_keeps_caller_ids()) {
        assert_one_error(&r, "--uid");
    } else {
        assert_ok(&r);
        ASSERT_LINE(&r, "uid: 1234");
        ASSERT_LINE(&r, "euid: 1234");
        ASSERT_LINE(&r, "gid: 5678");
        ASSERT_LINE(&r, "egid: 5678");
    }
    result_free(&r);
    /* The default is the caller's own ids. */
    RUN(&r, "/probe", "status");
    assert_ok(&r);
    ck_assert_msg(has_linef(r.out, "uid: %d", (int)getuid()), "default uid is not the caller's:\n%s", r.out);
    ck_assert_msg(has_linef(r.out, "gid: %d", (int)getgid()), "default gid is not the caller's:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* Root mode only: without a user namespace there is nothing to map. */
START_TEST(uid_requires_userns)
{
    struct result r;
    RUN(&r, "--uid", "1234", "/probe", "status");
    assert_one_error(&r, "--uid");
    result_free(&r);
    RUN(&r, "--gid", "1234", "/probe", "status");
    assert_one_error(&r, "--gid");
    result_free(&r);
}
END_TEST

START_TEST(chdir_option)
{
    struct result r;
    RUN(&r, "--dir", "/some/where", "--chdir", "/some/where", "/probe", "status");
    assert_ok(&r);
    ASSERT_LINE(&r, "cwd: /some/where");
    result_free(&r);
    struct snapshot s;
    snap_take(&s);
    RUN(&r, "--chdir", "/no/such/dir", "/probe", "status");
    assert_one_error(&r, "/no/such/dir");
    snap_assert_unchanged(&s);
    assert_no_children();
    result_free(&r);
}
END_TEST

START_TEST(clearenv_option)
{
    struct result r;
    RUN(&r, "--setenv", "FOO", "1", "--clearenv", "--setenv", "BAR", "2", "/probe", "env");
    assert_ok(&r);
    ASSERT_LINE(&r, "env: BAR=2");
    ASSERT_NO_LINE(&r, "env: FOO=1");
    for (const char *p = r.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, "env: ", 5))
            ck_assert_msg(!strncmp(p, "env: BAR=2", 10) || !strncmp(p, "env: PWD=", 9),
                          "--clearenv left %.*s", (int)strcspn(p, "\n"), p);
    result_free(&r);
}
END_TEST

START_TEST(setenv_unsetenv)
{
    struct result r;
    setenv("FOIL_TEST_KEEP", "kept", 1);
    setenv("FOIL_TEST_DROP", "dropped", 1);
    RUN(&r, "--setenv", "FOO", "bar baz", "--unsetenv", "FOIL_TEST_DROP", "--setenv", "FOO2", "",
        "/probe", "env");
    assert_ok(&r);
    ASSERT_LINE(&r, "env: FOO=bar baz");
    ASSERT_LINE(&r, "env: FOO2=");
    ASSERT_LINE(&r, "env: FOIL_TEST_KEEP=kept");
    ASSERT_NO_LINE(&r, "env: FOIL_TEST_DROP=dropped");
    result_free(&r);
}
END_TEST

/* ---------------- filesystem ---------------- */

static void make_src(void)
{
    char p[4200];
    pathf(p, sizeof p, "%s/src", W);
    make_dir(p);
    pathf(p, sizeof p, "%s/src/file", W);
    write_file(p, "host-content\n");
}

START_TEST(bind)
{
    char src[4200], p[4200];
    struct result r;
    make_src();
    pathf(src, sizeof src, "%s/src", W);
    RUN(&r, "--bind", src, "/b", "/probe", "read", "/b/file", "+", "write", "/b/new", "+", "stat", "/b");
    assert_ok(&r);
    ASSERT_LINE(&r, "read /b/file: ok host-content");
    ASSERT_LINE(&r, "write /b/new: ok");
    result_free(&r);
    pathf(p, sizeof p, "%s/src/new", W);
    char *c = read_file(p);
    ck_assert_msg(c && !strcmp(c, "written-by-probe\n"), "write through --bind not visible on the host");
    free(c);
}
END_TEST

START_TEST(bind_missing_source)
{
    static const char *const opts[] = { "--bind", "--ro-bind", "--dev-bind" };
    char src[4200];
    struct snapshot s;
    pathf(src, sizeof src, "%s/no-such-source", W);
    snap_take(&s);
    for (int i = 0; i < 3; i++) {
        struct result r;
        RUN(&r, "--tmpfs", "/t", opts[i], src, "/t/b", "/probe", "status");
        assert_one_error(&r, src);
        result_free(&r);
    }
    snap_assert_unchanged(&s);
    assert_no_children();
}
END_TEST

START_TEST(bind_try)
{
    static const char *const opts[] = { "--bind-try", "--ro-bind-try", "--dev-bind-try" };
    char src[4200], missing[4200];
    make_src();
    pathf(src, sizeof src, "%s/src", W);
    pathf(missing, sizeof missing, "%s/no-such-source", W);
    for (int i = 0; i < 3; i++) {
        struct result r;
        RUN(&r, opts[i], missing, "/b", opts[i], src, "/c", "/probe", "stat", "/b", "+", "read", "/c/file");
        assert_ok(&r);
        ASSERT_LINE(&r, "stat /b: ENOENT");
        ASSERT_LINE(&r, "read /c/file: ok host-content");
        result_free(&r);
    }
}
END_TEST

START_TEST(ro_bind)
{
    char src[4200], p[4200];
    struct result r;
    make_src();
    pathf(src, sizeof src, "%s/src", W);
    RUN(&r, "--ro-bind", src, "/r", "/probe", "read", "/r/file", "+", "write", "/r/new", "+",
        "write", "/r/file");
    assert_ok(&r);
    ASSERT_LINE(&r, "read /r/file: ok host-content");
    ASSERT_LINE(&r, "write /r/new: EROFS");
    ASSERT_LINE(&r, "write /r/file: EROFS");
    result_free(&r);
    pathf(p, sizeof p, "%s/src/new", W);
    ck_assert_msg(access(p, F_OK) != 0, "file created through --ro-bind");
    pathf(p, sizeof p, "%s/src/file", W);
    char *c = read_file(p);
    ck_assert_str_eq(c, "host-content\n");
    free(c);
    /* --ro-bind-try behaves the same when the source exists. */
    RUN(&r, "--ro-bind-try", src, "/r", "/probe", "write", "/r/new");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /r/new: EROFS");
    result_free(&r);
}
END_TEST

/* --dev-bind allows device access, --bind does not (nodev). */
START_TEST(dev_bind)
{
    struct result r;
    RUN(&r, "--dev-bind", "/dev/null", "/n", "--dev-bind-try", "/dev/zero", "/z", "/probe",
        "write", "/n", "+", "read", "/z");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /n: ok");
    ck_assert_msg(strstr(r.out, "read /z: ok"), "cannot read /dev/zero via --dev-bind-try:\n%s", r.out);
    result_free(&r);
    RUN(&r, "--bind", "/dev/null", "/n", "--ro-bind", "/dev/zero", "/z", "/probe", "write", "/n",
        "+", "read", "/z");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /n: EACCES");
    ASSERT_LINE(&r, "read /z: EACCES");
    result_free(&r);
}
END_TEST

/* CAN FAIL AGAINST setuid bwrap: its error for a missing --remount-ro
 * destination sometimes takes two lines (the second, "Can't read from
 * privileged_op_socket", depends on timing). */
START_TEST(remount_ro)
{
    struct result r;
    RUN(&r, "--tmpfs", "/t", "--dir", "/t/d", "--remount-ro", "/t", "/probe", "write", "/t/x", "+",
        "stat", "/t/d");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /t/x: EROFS");
    ck_assert_msg(strstr(r.out, "stat /t/d: dir"), "--dir before --remount-ro lost:\n%s", r.out);
    result_free(&r);
    RUN(&r, "--tmpfs", "/t", "/probe", "write", "/t/x");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /t/x: ok");
    result_free(&r);
    RUN(&r, "--remount-ro", "/no/such/mount", "/probe", "status");
    assert_one_error(&r, "/no/such/mount");
    result_free(&r);
}
END_TEST

START_TEST(proc)
{
    struct result r;
    RUN(&r, "--unshare-pid", "--proc", "/proc", "/probe", "stat", "/proc/self/status", "+", "stat", "/proc");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "stat /proc/self/status: file"), "no /proc/self/status:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "fs=9fa0"), "/proc is not procfs:\n%s", r.out);
    result_free(&r);
    RUN(&r, "/probe", "stat", "/proc");
    assert_ok(&r);
    ASSERT_LINE(&r, "stat /proc: ENOENT");
    result_free(&r);
}
END_TEST

START_TEST(dev)
{
    static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
    struct result r;
    struct args a = { 0 };
    args_probe(&a);
    args_addv(&a, "--dev", "/dev", "/probe", END);
    for (size_t i = 0; i < 6; i++)
        args_addv(&a, "stat", END), args_addf(&a, "/dev/%s", nodes[i]), args_add(&a, "+");
    args_addv(&a, "stat", "/dev/pts", "+", "stat", "/dev/shm", "+", "stat", "/dev/ptmx", "+",
              "write", "/dev/null", "+", "read", "/dev/zero", "+", "stat", "/dev/vda", "+",
              "stat", "/dev/sda", "+", "stat", "/dev/mem", "+", "stat", "/dev", END);
    run(&r, NULL, &a);
    args_free(&a);
    assert_ok(&r);
    for (size_t i = 0; i < 6; i++) {
        char want[64];
        pathf(want, sizeof want, "stat /dev/%s: chr 0666 ", nodes[i]);
        ck_assert_msg(strstr(r.out, want), "/dev/%s missing or not a 0666 char device:\n%s", nodes[i], r.out);
    }
    ck_assert_msg(strstr(r.out, "stat /dev/pts: dir") && strstr(r.out, "fs=1cd1"), "no devpts:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "stat /dev/shm: dir"), "no /dev/shm:\n%s", r.out);
    ck_assert_msg(!strstr(r.out, "stat /dev/ptmx: ENOENT"), "no /dev/ptmx:\n%s", r.out);
    ASSERT_LINE(&r, "write /dev/null: ok");
    ASSERT_LINE(&r, "stat /dev/vda: ENOENT");
    ASSERT_LINE(&r, "stat /dev/sda: ENOENT");
    ASSERT_LINE(&r, "stat /dev/mem: ENOENT");
    ck_assert_msg(strstr(r.out, "stat /dev: dir 0755 fs=1021994"), "/dev is not a 0755 tmpfs:\n%s", r.out);
    result_free(&r);
}
END_TEST

START_TEST(tmpfs)
{
    struct result r;
    RUN(&r, "--tmpfs", "/t", "/probe", "stat", "/t", "+", "write", "/t/x", "+", "read", "/t/x");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "stat /t: dir 0755 fs=1021994"), "/t is not a 0755 tmpfs:\n%s", r.out);
    ASSERT_LINE(&r, "write /t/x: ok");
    ASSERT_LINE(&r, "read /t/x: ok written-by-probe");
    result_free(&r);
}
END_TEST

START_TEST(mqueue)
{
    struct result r;
    RUN(&r, "--unshare-ipc", "--mqueue", "/mq", "/probe", "stat", "/mq");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "stat /mq: dir") && strstr(r.out, "fs=19800202"), "/mq is not mqueue:\n%s",
                  r.out);
    result_free(&r);
}
END_TEST

START_TEST(dir_option)
{
    struct result r;
    RUN(&r, "--dir", "/a/b/c", "/probe", "stat", "/a/b/c", "+", "stat", "/a");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "stat /a/b/c: dir 0755"), "--dir did not make a 0755 dir:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "stat /a: dir 0755"), "--dir parents not 0755:\n%s", r.out);
    result_free(&r);
    /* A file is in the way. */
    RUN(&r, "--dir", "/probe/sub", "/probe", "status");
    assert_one_error(&r, "/probe");
    result_free(&r);
}
END_TEST

START_TEST(symlink_option)
{
    struct result r;
    RUN(&r, "--symlink", "/target/x", "/l", "--symlink", "../rel", "/d/l2", "/probe", "readlink", "/l",
        "+", "readlink", "/d/l2");
    assert_ok(&r);
    ASSERT_LINE(&r, "readlink /l: ok /target/x");
    ASSERT_LINE(&r, "readlink /d/l2: ok ../rel");
    result_free(&r);
    /* Something else already exists there. */
    RUN(&r, "--symlink", "/x", "/probe", "/probe", "status");
    assert_one_error(&r, "/probe");
    result_free(&r);
}
END_TEST

/* ---------------- lifecycle ---------------- */

/* Starts foil via an intermediate process, kills that process and
 * reports whether the payload died with it. */
static bool payload_dies_with_parent(bool die_flag)
{
    int out[2];
    ck_assert(pipe(out) == 0);
    pid_t mid = fork();
    if (mid == 0) {
        struct args a = { 0 };
        close(out[0]);
        args_probe(&a);
        if (die_flag)
            args_add(&a, "--die-with-parent");
        args_addv(&a, "--unshare-pid", "/probe", "sleep", END);
        dup2(out[1], 1);
        char **argv = calloc(a.n + 2, sizeof *argv);
        argv[0] = (char *)cfg.foil;
        memcpy(argv + 1, a.v, a.n * sizeof *argv);
        execv(cfg.foil, argv);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    ck_assert_msg(read_line(out[0], line, sizeof line) && !strcmp(line, "ready"), "payload did not start");
    kill(mid, SIGKILL);
    waitpid(mid, NULL, 0);
    /* The payload holds the pipe: EOF means it (and foil) are gone. Without
     * --die-with-parent, one second of life is taken as survival. */
    struct pollfd p = { out[0], POLLIN, 0 };
    int n = poll(&p, 1, die_flag ? 20000 : 1000);
    bool died = n == 1 && read(out[0], line, sizeof line) == 0;
    close(out[0]);
    kill_children();
    return died;
}

START_TEST(die_with_parent)
{
    ck_assert_msg(payload_dies_with_parent(true), "payload survived its parent with --die-with-parent");
    ck_assert_msg(!payload_dies_with_parent(false), "payload died with its parent without --die-with-parent");
}
END_TEST

START_TEST(new_session)
{
    struct result r;
    RUN(&r, "--new-session", "/probe", "status");
    assert_ok(&r);
    const char *sid = value_of(r.out, "sid");
    ck_assert_msg(sid && atoi(sid) != getsid(0), "--new-session kept the caller's session %d", (int)getsid(0));
    result_free(&r);
    RUN(&r, "/probe", "status");
    assert_ok(&r);
    sid = value_of(r.out, "sid");
    ck_assert_msg(sid && atoi(sid) == getsid(0), "without --new-session the session changed");
    result_free(&r);
}
END_TEST

START_TEST(as_pid_1)
{
    struct result r;
    RUN(&r, "--unshare-pid", "--as-pid-1", "/probe", "status", "+", "exit", "5");
    ASSERT_CODE(&r, 5);
    ASSERT_LINE(&r, "pid: 1");
    result_free(&r);
    RUN(&r, "--unshare-pid", "/probe", "status");
    assert_ok(&r);
    ASSERT_NO_LINE(&r, "pid: 1");
    result_free(&r);
    RUN(&r, "--as-pid-1", "/probe", "status");
    assert_one_error(&r, "--as-pid-1");
    result_free(&r);
}
END_TEST

/* Setuid mode: the payload can never create a user namespace anyway, so
 * foil may either accept the option or refuse it with one line. */
START_TEST(disable_userns)
{
    struct result r;
    RUN(&r, "--unshare-user", "--disable-userns", "/probe", "unshare-user");
    if (cfg.mode == MODE_SETUID && r.code == 1) {
        assert_one_error(&r, NULL);
    } else {
        assert_ok(&r);
        ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                      "nested user namespace still possible:\n%s", r.out);
    }
    result_free(&r);
    if (cfg.mode != MODE_SETUID) {
        RUN(&r, "--unshare-user", "/probe", "unshare-user");
        assert_ok(&r);
        ASSERT_LINE(&r, "unshare-user -: ok");
        result_free(&r);
    }
    if (cfg.mode == MODE_ROOT) {
        RUN(&r, "--disable-userns", "/probe", "status");
        assert_one_error(&r, "--disable-userns");
        result_free(&r);
    }
}
END_TEST

/* --disable-userns holds against a payload with every capability as uid 0
 * (where foil needs no nested namespace for the ids): the limit must sit
 * one user namespace above it, where raising it is out of its reach. */
START_TEST(disable_userns_capable_payload)
{
    struct result r;
    struct args a = { 0 };
    args_probe(&a);
    args_addv(&a, "--unshare-user", "--uid", "0", "--gid", "0", END);
    if (cfg.mode != MODE_SETUID)
        args_addv(&a, "--cap-add", "ALL", END);
    args_addv(&a, "--disable-userns", "--bind", "/proc", "/proc", "/probe", "put",
              "/proc/sys/user/max_user_namespaces", "100", "+", "unshare-user", END);
    run(&r, NULL, &a);
    args_free(&a);
    if (setuid_keeps_caller_ids()) {
        assert_one_error(&r, "--uid");
        result_free(&r);
        return;
    }
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                  "a capable payload lifted --disable-userns:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* FAILS AGAINST setuid bwrap: its payload can create user namespaces, so
 * --assert-userns-disabled fails there; foil's never can. */
START_TEST(assert_userns_disabled)
{
    struct result r;
    RUN(&r, "--unshare-user", "--disable-userns", "--assert-userns-disabled", "/probe", "exit", "4");
    if (cfg.mode == MODE_SETUID && r.code == 1)
        assert_one_error(&r, NULL);
    else
        ASSERT_CODE(&r, 4);
    result_free(&r);
    RUN(&r, "--unshare-user", "--assert-userns-disabled", "/probe", "exit", "4");
    if (cfg.mode == MODE_SETUID)
        ASSERT_CODE(&r, 4);  /* foil's setuid payload can never create one */
    else
        assert_one_error(&r, NULL);
    result_free(&r);
}
END_TEST

static unsigned long long capeff(const struct result *r)
{
    const char *v = value_of(r->out, "capeff");
    ck_assert_msg(v != NULL, "no capeff:\n%s\n%s", r->out, r->err);
    return strtoull(v, NULL, 16);
}

START_TEST(cap_add)
{
    struct result r;
    const unsigned long long net_admin = 1ULL << 12;
    if (cfg.mode == MODE_SETUID) {
        struct snapshot s;
        snap_take(&s);
        RUN(&r, "--cap-add", "CAP_NET_ADMIN", "/probe", "status");
        assert_one_error(&r, "--cap-add");
        snap_assert_unchanged(&s);
        assert_no_children();
        result_free(&r);
        return;
    }
    RUN(&r, "--unshare-user", "--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN", "/probe", "status");
    assert_ok(&r);
    ck_assert_msg(capeff(&r) == net_admin, "capeff %llx, expected only CAP_NET_ADMIN", capeff(&r));
    result_free(&r);
    RUN(&r, "--unshare-user", "--cap-add", "CAP_BOGUS", "/probe", "status");
    assert_one_error(&r, "CAP_BOGUS");
    result_free(&r);
}
END_TEST

START_TEST(cap_drop)
{
    struct result r;
    RUN(&r, "--cap-drop", "ALL", "/probe", "status");
    assert_ok(&r);
    ck_assert_msg(capeff(&r) == 0, "capeff %llx after --cap-drop ALL", capeff(&r));
    result_free(&r);
    if (cfg.mode == MODE_ROOT) {
        /* Root keeps its capabilities unless told otherwise. */
        RUN(&r, "/probe", "status");
        assert_ok(&r);
        unsigned long long all = capeff(&r);
        ck_assert_msg(all & (1ULL << 21), "root lost CAP_SYS_ADMIN without --cap-drop");
        result_free(&r);
        RUN(&r, "--cap-drop", "CAP_SYS_ADMIN", "/probe", "status");
        assert_ok(&r);
        ck_assert_msg(capeff(&r) == (all & ~(1ULL << 21)), "--cap-drop CAP_SYS_ADMIN gave %llx", capeff(&r));
        result_free(&r);
    }
    RUN(&r, "--cap-drop", "CAP_BOGUS", "/probe", "status");
    assert_one_error(&r, "CAP_BOGUS");
    result_free(&r);
}
END_TEST

/* ---------------- seccomp ---------------- */

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_I386
#endif

/* uname() fails with ERR; everything else is allowed. Hand-assembled. */
static int uname_filter_fd(int err)
{
    struct sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    return data_fd(prog, sizeof prog);
}

/* N instructions: N-1 harmless loads, then allow. */
static int long_filter_fd(size_t n)
{
    struct sock_filter *prog = calloc(n, sizeof *prog);
    for (size_t i = 0; i + 1 < n; i++)
        prog[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    prog[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    int fd = data_fd(prog, n * sizeof *prog);
    free(prog);
    return fd;
}

/* Runs the probe with FLAG FD for each fd in FDS (fds stay open in foil). */
static void run_seccomp(struct result *r, const char *flag, const int *fds, int n, const char *cmd)
{
    struct args a = { 0 };
    struct spawn o = { 0 };
    args_probe(&a);
    for (int i = 0; i < n; i++) {
        args_add(&a, flag);
        args_addf(&a, "%d", fds[i]);
        o.keep_fds[o.nkeep++] = fds[i];
    }
    args_addv(&a, "/probe", cmd, "+", "status", END);
    run(r, &o, &a);
    args_free(&a);
}

START_TEST(seccomp)
{
    struct result r;
    int fd = uname_filter_fd(EXDEV);
    run_seccomp(&r, "--seccomp", &fd, 1, "uname");
    assert_ok(&r);
    ASSERT_LINE(&r, "uname -: EXDEV");
    ASSERT_LINE(&r, "nnp: 1");
    /* The program's fd is consumed, not passed on. */
    ASSERT_LINE(&r, "fds: 0 1 2");
    result_free(&r);
    close(fd);
    run_seccomp(&r, "--seccomp", NULL, 0, "uname");
    assert_ok(&r);
    ASSERT_LINE(&r, "uname -: ok");
    result_free(&r);
}
END_TEST

/* Stacked programs: on equal actions the most recently loaded one, the
 * last on the command line, decides. */
START_TEST(add_seccomp_fd_order)
{
    struct result r;
    int fds[2] = { uname_filter_fd(EXDEV), uname_filter_fd(ENOTTY) };
    run_seccomp(&r, "--add-seccomp-fd", fds, 2, "uname");
    assert_ok(&r);
    ASSERT_LINE(&r, "uname -: ENOTTY");
    result_free(&r);
    close(fds[0]);
    close(fds[1]);
    fds[0] = uname_filter_fd(ENOTTY);
    fds[1] = uname_filter_fd(EXDEV);
    run_seccomp(&r, "--add-seccomp-fd", fds, 2, "uname");
    assert_ok(&r);
    ASSERT_LINE(&r, "uname -: EXDEV");
    result_free(&r);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(seccomp_invalid_fd)
{
    static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
    struct snapshot s;
    snap_take(&s);
    for (int i = 0; i < 2; i++) {
        struct result r;
        int fd = 77;  /* closed in foil: run() closes everything not kept */
        run_seccomp(&r, flags[i], &fd, 1, "uname");
        assert_one_error(&r, NULL);
        result_free(&r);
    }
    snap_assert_unchanged(&s);
    assert_no_children();
}
END_TEST

START_TEST(seccomp_bad_size)
{
    static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
    for (int i = 0; i < 2; i++) {
        struct result r;
        int fd = data_fd("0123456789ab", 12);
        run_seccomp(&r, flags[i], &fd, 1, "uname");
        assert_one_error(&r, NULL);
        ck_assert_msg(strstr(r.err, "8"), "size error does not say \"multiple of 8\":\n%s", r.err);
        result_free(&r);
        close(fd);
    }
}
END_TEST

/* At most 4096 instructions (BPF_MAXINSNS): 4096 runs, 4097 is refused. */
START_TEST(seccomp_size_limit)
{
    static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
    for (int i = 0; i < 2; i++) {
        struct result r;
        int fd = long_filter_fd(4096);
        run_seccomp(&r, flags[i], &fd, 1, "uname");
        assert_ok(&r);
        ASSERT_LINE(&r, "uname -: ok");
        result_free(&r);
        close(fd);
        fd = long_filter_fd(4097);
        struct snapshot s;
        snap_take(&s);
        run_seccomp(&r, flags[i], &fd, 1, "uname");
        assert_one_error(&r, NULL);
        ck_assert_msg(!strstr(r.out, "uname"), "payload ran with a rejected filter");
        snap_assert_unchanged(&s);
        assert_no_children();
        result_free(&r);
        close(fd);
    }
}
END_TEST

/* A program the kernel refuses (misaligned load): one line with the
 * kernel's reason, and the payload never runs. */
START_TEST(seccomp_kernel_rejects)
{
    static const char *const flags[] = { "--seccomp", "--add-seccomp-fd" };
    struct sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    for (int i = 0; i < 2; i++) {
        struct result r;
        int fd = data_fd(prog, sizeof prog);
        run_seccomp(&r, flags[i], &fd, 1, "uname");
        assert_one_error(&r, NULL);
        ck_assert_msg(strstr(r.err, strerror(EINVAL)) || strstr(r.err, "EINVAL"),
                      "error does not give the kernel's errno (EINVAL):\n%s", r.err);
        ck_assert_msg(!strstr(r.out, "uname"), "payload ran with a rejected filter");
        result_free(&r);
        close(fd);
    }
}
END_TEST

/* ---------------- registration ---------------- */

#define S (1u << MODE_SETUID)
#define U (1u << MODE_USERNS)
#define R (1u << MODE_ROOT)
#define ALL (S | U | R)

static void register_option_tests(TCase *tc)
{
    const struct test_entry option_tests[] = {
    T(help, ALL), T(version, ALL), T(version_as_bwrap, ALL), T(no_arguments, ALL), T(unknown_option, ALL),
    T(missing_arguments, ALL), T(bad_numbers, ALL), T(double_dash, ALL),
    T(error_prefix_bwrap_symlink, ALL), T(error_prefix_invoked_name, ALL), T(exit_status, ALL),
    T(exec_failure, ALL), T(ns_default, ALL), T(unshare_user, ALL), T(unshare_user_try, ALL),
    T(unshare_pid, ALL), T(unshare_net, ALL), T(share_net, ALL), T(unshare_ipc, ALL),
    T(unshare_uts, ALL), T(unshare_cgroup, ALL), T(unshare_cgroup_try, ALL), T(unshare_all, ALL),
    T(hostname, ALL), T(uid_gid, ALL), T(uid_requires_userns, R), T(chdir_option, ALL),
    T(clearenv_option, ALL), T(setenv_unsetenv, ALL), T(bind, ALL), T(bind_missing_source, ALL),
    T(bind_try, ALL), T(ro_bind, ALL), T(dev_bind, ALL), T(remount_ro, ALL), T(proc, ALL),
    T(dev, ALL), T(tmpfs, ALL), T(mqueue, ALL), T(dir_option, ALL), T(symlink_option, ALL),
    T(die_with_parent, ALL), T(new_session, ALL), T(as_pid_1, ALL), T(disable_userns, ALL), T(disable_userns_capable_payload, ALL),
    T(assert_userns_disabled, ALL), T(cap_add, ALL), T(cap_drop, ALL), T(seccomp, ALL),
    T(add_seccomp_fd_order, ALL), T(seccomp_invalid_fd, ALL), T(seccomp_bad_size, ALL),
    T(seccomp_size_limit, ALL), T(seccomp_kernel_rejects, ALL),
    { NULL, 0 },
    };
    add_tests(tc, option_tests);
}

int main(void)
{
    harness_init();
    Suite *s = suite_create("foil");
    TCase *opts = tcase_create(cfg.mode_name);
    TCase *atk = tcase_create(cfg.mode_name);
    TCase *compat = tcase_create(cfg.mode_name);
    register_option_tests(opts);
    register_attack_tests(atk);
    register_compat_tests(compat);
    suite_add_tcase(s, opts);
    suite_add_tcase(s, atk);
    suite_add_tcase(s, compat);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    harness_done();
    return failed ? 1 : 0;
}
