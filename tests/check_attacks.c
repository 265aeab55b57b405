/* Attack tests: each one is written so that it fails against a weaker
 * sandbox. Those that Debian's bwrap 0.8.0 is known to fail say so in a
 * comment ("FAILS AGAINST bwrap"), with the reason; they were checked to
 * fail there, which shows that they can fail. */
#include "harness.h"
#include "suites.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>


/* Accepts either a clean refusal (one error line, exit 1) or success. */
static void assert_refused_or_ok(const struct result *r)
{
    if (r->code == 1)
        assert_one_error(r, NULL);
    else
        ASSERT_CODE(r, 0);
}

/* ---------------- read-only binds ---------------- */

/* A tmpfs mounted (by the root wrapper) under the source must be read-only
 * in the sandbox too: the bind is recursive and so is read-only. */
START_TEST(ro_bind_nested_mount)
{
    char p[4200];
    struct result r;
    if (!cfg.rosrc) {
        printf("SKIP %s:ro_bind_nested_mount: no submount prepared (needs root)\n", cfg.mode_name);
        return;
    }
    /* Control: the submount is writable on the host for this user. */
    pathf(p, sizeof p, "%s/sub/host-%d", cfg.rosrc, (int)getpid());
    write_file(p, "x");
    unlink(p);
    RUN(&r, cfg.mode == MODE_ROOT ? "--cap-drop" : "--unsetenv", cfg.mode == MODE_ROOT ? "ALL" : "NONE",
        "--unshare-pid", "--proc", "/proc",
        "--ro-bind", cfg.rosrc, "/r", "/probe", "write", "/r/sub/evil", "+", "write", "/r/evil",
        "+", "remount-rw", "/r/sub", "/r/sub/evil2");
    assert_ok(&r);
    ASSERT_LINE(&r, "write /r/sub/evil: EROFS");
    ASSERT_LINE(&r, "write /r/evil: EROFS");
    ASSERT_LINE(&r, "write /r/sub/evil2: EROFS");
    result_free(&r);
    pathf(p, sizeof p, "%s/sub/evil", cfg.rosrc);
    ck_assert_msg(access(p, F_OK) != 0, "file created on the host through --ro-bind's submount");
    pathf(p, sizeof p, "%s/sub/evil2", cfg.rosrc);
    ck_assert_msg(access(p, F_OK) != 0, "file created on the host after a remount attack");
    /* And --bind keeps the submount (recursive) and writable. */
    RUN(&r, "--bind", cfg.rosrc, "/r", "/probe", "stat", "/r/sub");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "fs=1021994"), "--bind lost the submount:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* The payload tries to undo the read-only flag: directly, and from a
 * nested user+mount namespace where it holds every capability. */
START_TEST(ro_bind_remount_attack)
{
    char src[4200], p[4200];
    struct result r;
    pathf(src, sizeof src, "%s/src", W);
    make_dir(src);
    /* Root mode: a payload that keeps root's capabilities may remount. */
    RUN(&r, cfg.mode == MODE_ROOT ? "--cap-drop" : "--unsetenv", cfg.mode == MODE_ROOT ? "ALL" : "NONE",
        "--unshare-pid", "--proc", "/proc", "--ro-bind", src, "/r", "/probe", "remount-rw", "/r", "/r/evil");
    assert_ok(&r);
    ck_assert_msg(!has_line(r.out, "remount-rw /r: ok") && !has_line(r.out, "remount-rw-nested /r: ok"),
                  "read-only bind remounted read-write:\n%s", r.out);
    ASSERT_LINE(&r, "write /r/evil: EROFS");
    result_free(&r);
    pathf(p, sizeof p, "%s/evil", src);
    ck_assert_msg(access(p, F_OK) != 0, "file created on the host through --ro-bind");
}
END_TEST

/* ---------------- destination symlink escapes ---------------- */

enum symlink_form { FORM_ABSOLUTE, FORM_DOTDOT, FORM_PROC_ROOT, FORM_OLDROOT };

/* Plants appdata/evil and appdata/dangling pointing at the host dir
 * W/hostdst in the given form, binds appdata at /data, and runs each
 * create operation through the symlinks. Pass: W/hostdst stays empty. */
static void symlink_escape(enum symlink_form form)
{
    char appdata[4200], hostdst[4200], target[8400], p[8400], srcfile[4200], srcdir[4200];
    pathf(appdata, sizeof appdata, "%s/appdata", W);
    pathf(hostdst, sizeof hostdst, "%s/hostdst", W);
    pathf(srcfile, sizeof srcfile, "%s/srcfile", W);
    pathf(srcdir, sizeof srcdir, "%s/srcdir", W);
    make_dir(appdata);
    make_dir(hostdst);
    make_dir(srcdir);
    write_file(srcfile, "bound\n");
    switch (form) {
    case FORM_ABSOLUTE:
        pathf(target, sizeof target, "%s", hostdst);
        break;
    case FORM_DOTDOT:
        pathf(target, sizeof target, "../../../../../../../../../../../../..%s", hostdst);
        break;
    case FORM_PROC_ROOT:
        pathf(target, sizeof target, "/proc/self/root%s", hostdst);
        break;
    case FORM_OLDROOT:
        pathf(target, sizeof target, "/oldroot%s", hostdst);
        break;
    }
    pathf(p, sizeof p, "%s/evil", appdata);
    ck_assert(symlink(target, p) == 0);
    pathf(p, sizeof p, "%s/created-by-bind-dest", target);
    char dangling[4200];
    pathf(dangling, sizeof dangling, "%s/dangling", appdata);
    ck_assert(symlink(p, dangling) == 0);

    const char *ops[][4] = {
        { "--dir", "/data/evil/created-by-dir", NULL, NULL },
        { "--tmpfs", "/data/evil/created-by-tmpfs", NULL, NULL },
        { "--symlink", "/x", "/data/evil/created-by-symlink", NULL },
        { "--mqueue", "/data/evil/created-by-mqueue", NULL, NULL },
        { "--ro-bind", srcfile, "/data/evil/created-by-file-bind", NULL },
        { "--bind", srcdir, "/data/evil/created-by-dir-bind", NULL },
        { "--dev-bind", "/dev/null", "/data/evil/created-by-dev-bind", NULL },
        { "--ro-bind", srcfile, "/data/dangling", NULL },
        { "--dir", "/data/dangling", NULL, NULL },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        struct result r;
        struct args a = { 0 };
        args_probe(&a);
        args_addv(&a, "--proc", "/proc", "--bind", appdata, "/data", END);
        for (int j = 0; ops[i][j]; j++)
            args_add(&a, ops[i][j]);
        args_addv(&a, "/probe", "exit", "0", END);
        run(&r, NULL, &a);
        args_free(&a);
        assert_refused_or_ok(&r);
        ck_assert_msg(dir_is_empty(hostdst), "%s %s created something on the host via %s",
                      ops[i][0], ops[i][1], target);
        assert_no_children();
        result_free(&r);
    }
}

START_TEST(symlink_escape_absolute) { symlink_escape(FORM_ABSOLUTE); }
END_TEST
START_TEST(symlink_escape_dotdot) { symlink_escape(FORM_DOTDOT); }
END_TEST
START_TEST(symlink_escape_proc_self_root) { symlink_escape(FORM_PROC_ROOT); }
END_TEST
/* FAILS AGAINST bwrap (CVE-2026-87766): its setup follows the planted
 * symlink through /oldroot and creates the entries on the host. */
START_TEST(symlink_escape_oldroot) { symlink_escape(FORM_OLDROOT); }
END_TEST

/* ---------------- ptrace and /proc of foil's processes ---------------- */

static bool read_comm(pid_t pid, char *buf, size_t len)
{
    char p[64];
    pathf(p, sizeof p, "/proc/%d/comm", (int)pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return true;
}

/* A process of foil's, by its name: neither the payload nor the caller's
 * own child in the short window between fork() and the exec of foil
 * (which still bears the test program's name). */
static bool is_foil_comm(const char *comm)
{
    static char own[64];
    if (!own[0] && !read_comm(getpid(), own, sizeof own))
        return false;
    return strcmp(comm, cfg.payload_comm) != 0 && strcmp(comm, own) != 0;
}

static pid_t parent_of(pid_t pid)
{
    char p[64], buf[512];
    pathf(p, sizeof p, "/proc/%d/stat", (int)pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    int ppid = -1;
    char state;
    if (!rp || sscanf(rp + 2, "%c %d", &state, &ppid) != 2)
        return -1;
    return ppid;
}

/* ROOT and its descendants (any depth). */
static int descendants(pid_t root, pid_t *out, int max)
{
    pid_t all[4096], par[4096];
    int n = 0, k = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 4096) {
        pid_t pid = atoi(e->d_name);
        if (pid > 0) {
            all[n] = pid;
            par[n++] = parent_of(pid);
        }
    }
    if (d)
        closedir(d);
    out[k++] = root;
    for (int i = 0; i < k && k < max; i++)
        for (int j = 0; j < n && k < max; j++)
            if (par[j] == out[i] && all[j] != out[i])
                out[k++] = all[j];
    return k;
}

struct findings {
    char text[2048];
    int count;
    bool check_ids;   /* also flag uid/gid 0 (once setup is under way) */
    pid_t seen[64];
    int nseen;
};

static void found(struct findings *f, const char *what, pid_t pid)
{
    char c[64] = "?";
    read_comm(pid, c, sizeof c);
    if (f->count++ < 8) {
        size_t l = strlen(f->text);
        pathf(f->text + l, sizeof f->text - l, "%s succeeded on pid %d (%s)\n", what, (int)pid, c);
    }
}

static void found_proc(struct findings *f, const char *verb, pid_t pid, const char *name)
{
    char what[128];
    pathf(what, sizeof what, "%s /proc/%d/%s", verb, (int)pid, name);
    found(f, what, pid);
}

static void try_ptrace(struct findings *f, pid_t pid, bool seize)
{
    long rc = seize ? ptrace(PTRACE_SEIZE, pid, 0, 0) : ptrace(PTRACE_ATTACH, pid, 0, 0);
    if (rc != 0)
        return;
    int st;
    if (seize)
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    /* Once stopped the tracee is out of any exec, so comm is settled. */
    waitpid(pid, &st, __WALL);
    char c[64];
    bool foil = read_comm(pid, c, sizeof c) && is_foil_comm(c);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    if (foil)
        found(f, seize ? "PTRACE_SEIZE" : "PTRACE_ATTACH", pid);
}

/* Start address of the mapping of foil's binary in /proc/PID/maps, if the
 * caller can read that file and it describes foil's image. The kernel
 * binds the file to the process's memory when it is opened, so this tells
 * a real leak from a zombie's (readable, but empty) maps and from the
 * payload's own image just after its exec (when comm may still say foil). */
static bool maps_show_foil(pid_t pid, unsigned long *start)
{
    char p[64];
    pathf(p, sizeof p, "/proc/%d/maps", (int)pid);
    char *maps = read_file(p);
    bool ok = false;
    size_t n = strlen(cfg.foil);
    for (char *hit = maps; hit && (hit = strstr(hit, cfg.foil)); hit += n) {
        if (hit == maps || hit[-1] != ' ' || (hit[n] != '\n' && hit[n] != ' '))
            continue;
        char *line = hit;
        while (line > maps && line[-1] != '\n')
            line--;
        ok = sscanf(line, "%lx-", start) == 1;
        break;
    }
    free(maps);
    return ok;
}

/* Bytes of /proc/PID/NAME read into BUF (at most LEN), or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
    char p[64];
    pathf(p, sizeof p, "/proc/%d/%s", (int)pid, name);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len);
    close(fd);
    return n;
}

/* True if /proc/PID/fd lists an fd (a zombie's lists only . and ..). */
static bool fd_dir_lists(pid_t pid)
{
    char p[64];
    pathf(p, sizeof p, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(p);
    struct dirent *e;
    bool any = false;
    while (d && !any && (e = readdir(d)))
        any = e->d_name[0] != '.';
    if (d)
        closedir(d);
    return any;
}

/* Only reads that return data count, and only if foil's own image is
 * readable afterwards: a process's image changes only forward (the test's
 * child, foil, the payload), so a read of foil's maps after an access
 * shows that the access too reached foil, not the payload after its exec.
 * (A leak that ends before this check is missed in this round only.) */
static void try_proc(struct findings *f, pid_t pid)
{
    char p[64], buf[64];
    unsigned long start;
    /* Only a process that already runs foil counts (names change only
     * forward: the test's child, then foil, then the payload). */
    if (!read_comm(pid, buf, sizeof buf) || !is_foil_comm(buf))
        return;
    pathf(p, sizeof p, "/proc/%d/mem", (int)pid);
    int mem = open(p, O_RDONLY | O_CLOEXEC);
    bool env_read = read_proc(pid, "environ", buf, sizeof buf) > 0;
    bool fds = fd_dir_lists(pid);
    pathf(p, sizeof p, "/proc/%d/root", (int)pid);
    bool root = readlink(p, buf, sizeof buf) > 0;
    if (maps_show_foil(pid, &start)) {
        found_proc(f, "reading", pid, "maps");
        if (mem >= 0 && pread(mem, buf, 4, (off_t)start) == 4)
            found_proc(f, "reading", pid, "mem");
        if (env_read)
            found_proc(f, "reading", pid, "environ");
        if (fds)
            found_proc(f, "listing", pid, "fd");
        if (root)
            found_proc(f, "readlink", pid, "root");
    }
    if (mem >= 0)
        close(mem);
}

static bool has_zero_id(const char *ids);
static const char *status_field(const char *status, const char *key);

/* Whether PID's status shows uid 0 and gid 0 (any of real, effective,
 * saved, fs); false if it cannot be read. */
static bool read_root_ids(pid_t pid, bool *uid0, bool *gid0)
{
    char p[64];
    pathf(p, sizeof p, "/proc/%d/status", (int)pid);
    char *st = read_file(p);
    if (!st)
        return false;
    const char *uid = status_field(st, "Uid:");
    *uid0 = uid && has_zero_id(uid);
    const char *gid = status_field(st, "Gid:");
    *gid0 = gid && has_zero_id(gid);
    free(st);
    return true;
}

/* CVE-2020-5291 class: no process of the sandbox may hold uid or gid 0. */
static void check_ids(struct findings *f, pid_t pid)
{
    bool uid0, gid0;
    if (!read_root_ids(pid, &uid0, &gid0))
        return;
    if (uid0)
        found(f, "uid 0 check", pid);
    if (gid0)
        found(f, "gid 0 check", pid);
}

/* Setup is under way once a process that foil started (not foil itself)
 * runs with none of root's ids. Foil's monitor drops root before it lets
 * its setup process switch to the caller's ids, so from then on uid 0
 * anywhere is a leak; waiting for this event instead of for some time
 * keeps the check from racing with the drop on a busy machine. */
static bool setup_under_way(pid_t foil_pid, pid_t pid)
{
    bool uid0, gid0;
    return pid != foil_pid && read_root_ids(pid, &uid0, &gid0) && !uid0 && !gid0;
}

static void attack_all(struct findings *f, pid_t foil_pid, bool *new_pid)
{
    pid_t pids[64];
    int n = descendants(foil_pid, pids, 64);
    *new_pid = false;
    for (int i = 0; i < n; i++) {
        char c[64];
        if (!read_comm(pids[i], c, sizeof c) || !is_foil_comm(c))
            continue;
        bool known = false;
        for (int j = 0; j < f->nseen; j++)
            known |= f->seen[j] == pids[i];
        if (!known && f->nseen < 64) {
            f->seen[f->nseen++] = pids[i];
            *new_pid = true;
        }
        if (f->count >= 16)  /* enough evidence; keep only tracking pids */
            continue;
        f->check_ids = f->check_ids || setup_under_way(foil_pid, pids[i]);
        if (f->check_ids)
            check_ids(f, pids[i]);
        try_ptrace(f, pids[i], false);
        try_ptrace(f, pids[i], true);
        try_proc(f, pids[i]);
    }
}

/* Setuid mode only (elsewhere the caller already owns every process).
 * The caller, an ancestor of all of foil's processes, attacks each one
 * during setup (500 binds, then a --seccomp pipe that is held empty) and
 * while the payload runs (the monitor and the pid-1 reaper): PTRACE_ATTACH,
 * PTRACE_SEIZE, reading /proc/PID/{maps,mem,environ}, listing
 * /proc/PID/fd, readlink /proc/PID/root. Opening is not enough: anyone may
 * open a zombie's maps, which is empty. It also checks that no process
 * holds uid or gid 0 once setup is under way.
 * FAILS AGAINST bwrap (CVE-2026-41163 class): its setup helper and its
 * monitor are dumpable in setuid mode. */
START_TEST(ptrace_setup_processes)
{
    char src[4200];
    int sp[2];
    struct args a = { 0 };
    struct spawn o = { 0 };
    struct findings f = { .text = "" };
    pathf(src, sizeof src, "%s/src", W);
    make_dir(src);
    ck_assert(pipe(sp) == 0);
    args_probe(&a);
    args_addv(&a, "--unshare-pid", "--tmpfs", "/t", END);
    for (int i = 0; i < 500; i++) {
        args_add(&a, "--ro-bind");
        args_add(&a, src);
        args_addf(&a, "/t/%d", i);
    }
    args_add(&a, "--seccomp");
    args_addf(&a, "%d", sp[0]);
    args_addv(&a, "/probe", "wait-stdin", END);
    o.keep_fds[o.nkeep++] = sp[0];
    int in, out;
    pid_t pid = start(&o, &a, &in, &out, NULL);
    args_free(&a);
    close(sp[0]);
    fcntl(out, F_SETFL, O_NONBLOCK);

    int quiet = 0;
    bool filter_sent = false, payload_ready = false;
    char buf[256];
    for (int round = 0; round < 20000; round++) {
        bool new_pid;
        attack_all(&f, pid, &new_pid);
        quiet = new_pid ? 0 : quiet + 1;
        if (!filter_sent && quiet > 100) {
            /* Allow-all program: "ret ALLOW". */
            static const unsigned char allow[8] = { 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f };
            ck_assert(write(sp[1], allow, 8) == 8);
            close(sp[1]);
            filter_sent = true;
            quiet = 0;
        }
        ssize_t n = read(out, buf, sizeof buf);
        if (n > 0 && memmem(buf, (size_t)n, "ready", 5))
            payload_ready = true;
        if (payload_ready && quiet > 100)
            break;
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            pid = -1;
            break;
        }
        usleep(500);
    }
    close(in);
    if (pid > 0)
        wait_code(pid);
    close(out);
    ck_assert_msg(f.count == 0, "the caller reached foil's processes (%d times):\n%s", f.count, f.text);
    ck_assert_msg(payload_ready, "the sandbox never started");
    ck_assert_msg(f.check_ids, "no process of foil's ever ran with the caller's ids: the uid 0 check never ran");
    ck_assert_msg(f.nseen >= 2, "saw only %d foil process(es): the attack did not cover setup", f.nseen);
}
END_TEST

/* ---------------- ids and capabilities (CVE-2020-5291 class) ---------------- */

static const char *status_field(const char *status, const char *key)
{
    static char v[256];
    const char *p = strstr(status, key);
    if (!p)
        return NULL;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    size_t l = strcspn(p, "\n");
    pathf(v, sizeof v, "%.*s", (int)l, p);
    return v;
}

static bool has_zero_id(const char *ids)
{
    char copy[256];
    pathf(copy, sizeof copy, "%s", ids);
    for (char *t = strtok(copy, " \t"); t; t = strtok(NULL, " \t"))
        if (!strcmp(t, "0"))
            return true;
    return false;
}

static void add_problem(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_problem(char *buf, size_t len, const char *fmt, ...)
{
    size_t l = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, len - l, fmt, ap);
    va_end(ap);
}

/* Appends to PROBLEMS what makes PID privileged as seen from the host,
 * and counts it in PAYLOADS if it is the payload. Zombies are checked too:
 * foil's setup process stays one until the monitor reaps it (longer under
 * load), so foil empties every capability set before it exits. */
static void check_process(pid_t pid, char *problems, size_t len, int *payloads)
{
    static const char *const caps[] = { "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:" };
    char p[64], c[64] = "?";
    pathf(p, sizeof p, "/proc/%d/status", (int)pid);
    char *st = read_file(p);
    if (!st)
        return;
    read_comm(pid, c, sizeof c);
    bool payload = !strcmp(c, cfg.payload_comm);
    *payloads += payload;
    const char *uid = status_field(st, "Uid:");
    if (uid && has_zero_id(uid))
        add_problem(problems, len, "pid %d (%s) Uid %s\n", (int)pid, c, uid);
    const char *gid = status_field(st, "Gid:");
    if (gid && has_zero_id(gid))
        add_problem(problems, len, "pid %d (%s) Gid %s\n", (int)pid, c, gid);
    for (int k = 0; k < 4; k++) {
        /* The caller's own unprivileged processes keep a full
         * bounding set; for them only Prm/Eff/Amb matter. */
        if (k == 2 && !payload && cfg.mode != MODE_SETUID)
            continue;
        const char *v = status_field(st, caps[k]);
        if (v && strtoull(v, NULL, 16) != 0)
            add_problem(problems, len, "pid %d (%s) %s %s\n", (int)pid, c, caps[k], v);
    }
    const char *nnp = status_field(st, "NoNewPrivs:");
    if (payload && (!nnp || strcmp(nnp, "1")))
        add_problem(problems, len, "payload NoNewPrivs %s\n", nnp ? nnp : "?");
    free(st);
}

/* Every process of a running sandbox, as seen from the host: no uid/gid 0
 * anywhere (setuid mode: a real uid 0 would be root on the host), no
 * capabilities, and for the payload NoNewPrivs and empty bounding and
 * ambient sets. Sandbox uid 0 (--uid 0) must map to the caller.
 * FAILS AGAINST setuid bwrap: with --unshare-user its monitor process
 * keeps "Uid: 0 0 0 0" (without capabilities) for the sandbox's life. */
static void check_ids_and_caps(bool uid0)
{
    struct args a = { 0 };
    int in, out, err;
    char line[256];
    args_probe(&a);
    args_addv(&a, "--unshare-pid", "--unshare-user", END);
    if (uid0)
        args_addv(&a, "--uid", "0", "--gid", "0", END);
    args_addv(&a, "/probe", "wait-stdin", END);
    pid_t pid = start(NULL, &a, &in, &out, &err);
    args_free(&a);
    if (!read_line(out, line, sizeof line)) {
        /* Setuid mode may refuse sandbox uid 0; cleanly, then. */
        struct result r = { .out = slurp_fd(out), .err = slurp_fd(err) };
        r.code = wait_code(pid);
        ck_assert_msg(uid0 && cfg.mode == MODE_SETUID, "sandbox did not start:\n%s", r.err);
        assert_one_error(&r, "--uid");
        result_free(&r);
        close(in);
        close(out);
        close(err);
        return;
    }
    ck_assert_msg(!strcmp(line, "ready"), "sandbox did not start: %s", line);
    pid_t pids[64];
    int n = descendants(pid, pids, 64);
    int payloads = 0;
    char problems[8192] = "";
    for (int i = 0; i < n; i++)
        check_process(pids[i], problems, sizeof problems, &payloads);
    close(in);
    wait_code(pid);
    close(out);
    close(err);
    ck_assert_msg(payloads == 1, "found %d payload processes", payloads);
    ck_assert_msg(problems[0] == 0, "privileged sandbox processes:\n%s", problems);
}

START_TEST(ids_and_caps_of_every_process)
{
    check_ids_and_caps(false);
    check_ids_and_caps(true);
}
END_TEST

/* The payload itself, from inside. */
START_TEST(payload_caps_and_nnp)
{
    struct result r;
    RUN(&r, "--unshare-all", "/probe", "status");
    assert_ok(&r);
    ASSERT_LINE(&r, "capprm: 0000000000000000");
    ASSERT_LINE(&r, "capeff: 0000000000000000");
    ASSERT_LINE(&r, "capinh: 0000000000000000");
    ASSERT_LINE(&r, "capamb: 0000000000000000");
    ASSERT_LINE(&r, "nnp: 1");
    if (cfg.mode == MODE_SETUID)
        ASSERT_LINE(&r, "capbnd: 0000000000000000");
    ck_assert_msg(has_linef(r.out, "uid: %d", (int)getuid()), "payload uid differs from caller:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* Setuid mode: the payload can never create a nested user namespace (it
 * would hold capabilities there), with or without --unshare-user.
 * FAILS AGAINST bwrap: its setuid payload can unshare(CLONE_NEWUSER). */
START_TEST(setuid_no_nested_userns)
{
    struct result r;
    RUN(&r, "/probe", "unshare-user");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                  "payload created a user namespace:\n%s", r.out);
    result_free(&r);
    RUN(&r, "--unshare-user", "/probe", "unshare-user");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "unshare-user -: ") && !has_line(r.out, "unshare-user -: ok"),
                  "payload created a user namespace:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* ---------------- TIOCSTI ---------------- */

/* Runs the probe's "tiocsti" on a fresh pty, directly or through foil;
 * returns whether 'X' reached the terminal's input queue. */
static bool tiocsti_injects(bool through_foil, char *report, size_t len)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ck_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    ck_assert(slave >= 0);
    struct termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    struct args a = { 0 };
    struct spawn o = { 0 };
    o.pty = slave;
    if (through_foil) {
        args_probe(&a);
        /* Root mode: CAP_SYS_ADMIN may push into any tty; drop it. */
        if (cfg.mode == MODE_ROOT)
            args_addv(&a, "--cap-drop", "ALL", END);
        args_addv(&a, "--new-session", "/probe", "tiocsti", END);
    } else {
        o.exec_path = cfg.probe;
        args_add(&a, "tiocsti");
    }
    pid_t pid = start(&o, &a, NULL, NULL, NULL);
    args_free(&a);
    wait_code(pid);
    fcntl(master, F_SETFL, O_NONBLOCK);
    ssize_t n = read(master, report, len - 1);
    report[n > 0 ? n : 0] = 0;
    fcntl(slave, F_SETFL, O_NONBLOCK);
    char q[64];
    n = read(slave, q, sizeof q);
    close(slave);
    close(master);
    return n > 0 && memchr(q, 'X', (size_t)n);
}

START_TEST(tiocsti_new_session)
{
    char report[512];
    /* Control: the harness does detect an injection. */
    bool control = tiocsti_injects(false, report, sizeof report);
    if (!control)
        printf("NOTE %s:tiocsti_new_session: TIOCSTI is disabled on this kernel (%s); only the "
               "sandboxed half is meaningful\n", cfg.mode_name, report);
    ck_assert_msg(!tiocsti_injects(true, report, sizeof report),
                  "a character injected with TIOCSTI under --new-session reached the terminal; probe said:\n%s",
                  report);
    ck_assert_msg(!strstr(report, "tiocsti 0: ok"), "TIOCSTI succeeded under --new-session:\n%s", report);
}
END_TEST

/* ---------------- fds and cwd ---------------- */

/* fds the caller left open reach the payload, as in bwrap (WebKitGTK hands
 * its web process fds that way), and none of foil's own do, however many
 * the options made it open. With --close-fds only 0, 1 and 2 are left. */
static void run_fd_case(struct result *r, bool close_fds, const int *fds)
{
    int meta[2], info[2];
    ck_assert(pipe(meta) == 0 && pipe(info) == 0);
    ck_assert(write(meta[1], "data\n", 5) == 5);
    close(meta[1]);
    struct spawn o = { .keep_fds = { fds[0], fds[1], fds[2], meta[0], info[1] }, .nkeep = 5 };
    struct args a = { 0 };
    args_probe(&a);
    if (close_fds)
        args_add(&a, "--close-fds");
    args_addv(&a, "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--lock-file", "/probe", "--ro-bind-data", END);
    args_addf(&a, "%d", meta[0]);
    args_addv(&a, "/data", "--info-fd", END);
    args_addf(&a, "%d", info[1]);
    args_addv(&a, "/probe", "status", END);
    run(r, &o, &a);
    args_free(&a);
    close(meta[0]);
    close(info[1]);
    free(slurp_fd(info[0]));
    close(info[0]);
}

START_TEST(only_callers_fds_reach_payload)
{
    char p[4200];
    pathf(p, sizeof p, "%s/leak", W);
    write_file(p, "leak\n");
    int fds[3] = { open(p, O_RDWR), open("/", O_RDONLY | O_DIRECTORY), open("/", O_PATH) };
    ck_assert(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
    struct result r;
    run_fd_case(&r, false, fds);
    assert_ok(&r);
    ck_assert_msg(has_linef(r.out, "fds: 0 1 2 %d %d %d", fds[0], fds[1], fds[2]),
                  "expected exactly the caller's fds 0 1 2 %d %d %d in the payload:\n%s", fds[0], fds[1], fds[2],
                  value_of(r.out, "fds"));
    result_free(&r);
    if (cfg.target_bwrap)
        return;  /* --close-fds is foil's */
    run_fd_case(&r, true, fds);
    assert_ok(&r);
    ck_assert_msg(has_line(r.out, "fds: 0 1 2"), "--close-fds: payload inherited fds (%d %d %d from the caller):\n%s",
                  fds[0], fds[1], fds[2], value_of(r.out, "fds"));
    result_free(&r);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
}
END_TEST

/* The cwd is inside the sandbox, and ".." from it does not reach the host. */
START_TEST(cwd_inside_sandbox)
{
    char marker[4200];
    char content[64];
    struct result r;
    pathf(marker, sizeof marker, "%s/marker", W);
    pathf(content, sizeof content, "marker-%d-cwd", (int)getpid());
    write_file(marker, content);
    /* The caller's cwd (W) is not in the sandbox. */
    RUN(&r, "--unshare-pid", "/probe", "cwd-escape", marker, content);
    assert_ok(&r);
    const char *cwd = value_of(r.out, "cwd");
    ck_assert_msg(cwd && cwd[0] == '/', "payload cwd is outside the sandbox: %s", cwd ? cwd : "?");
    ck_assert_msg(!strstr(r.out, "REACHED"), "host reached from the cwd:\n%s", r.out);
    ASSERT_LINE(&r, "cwd-escape: done");
    result_free(&r);
    /* When the caller's cwd exists in the sandbox, it is kept. */
    char sub[4200];
    pathf(sub, sizeof sub, "%s/inside", W);
    make_dir(sub);
    ck_assert(chdir(sub) == 0);
    RUN(&r, "--bind", sub, sub, "/probe", "status");
    assert_ok(&r);
    ck_assert_msg(has_linef(r.out, "cwd: %s", sub), "cwd not kept:\n%s", r.out);
    result_free(&r);
}
END_TEST

/* ---------------- root-only files ---------------- */

/* A 0600 root file (in a 0700 root dir) bound by the user must not be
 * readable inside; foil may refuse the bind. */
START_TEST(root_only_file)
{
    char dir[4200];
    if (!cfg.secret) {
        printf("SKIP %s:root_only_file: no root-owned secret prepared (needs root)\n", cfg.mode_name);
        return;
    }
    pathf(dir, sizeof dir, "%s", cfg.secret);
    *strrchr(dir, '/') = 0;
    static const char *const extra[][6] = {
        { "--unsetenv", "NONE", "--unsetenv", "NONE", "--unsetenv", "NONE" },
        { "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-pid" },
    };
    for (int v = 0; v < 2; v++) {
        struct result r;
        RUN(&r, extra[v][0], extra[v][1], extra[v][2], extra[v][3], extra[v][4], extra[v][5],
            "--ro-bind", cfg.secret, "/secret", "/probe", "read", "/secret");
        assert_refused_or_ok(&r);
        ck_assert_msg(!strstr(r.out, "root-only-secret") && !strstr(r.err, "root-only-secret"),
                      "root-only file read in the sandbox:\n%s", r.out);
        result_free(&r);
        RUN(&r, extra[v][0], extra[v][1], extra[v][2], extra[v][3], extra[v][4], extra[v][5],
            "--ro-bind", dir, "/d", "/probe", "read", "/d/secret");
        assert_refused_or_ok(&r);
        ck_assert_msg(!strstr(r.out, "root-only-secret"), "root-only file read in the sandbox:\n%s", r.out);
        result_free(&r);
    }
}
END_TEST

/* ---------------- chroot-style escapes ---------------- */

static void hex_handle(const char *path, char *hex, size_t len, int *type)
{
    struct file_handle *fh = calloc(1, sizeof *fh + MAX_HANDLE_SZ);
    int mount_id;
    fh->handle_bytes = MAX_HANDLE_SZ;
    hex[0] = 0;
    *type = 0;
    if (name_to_handle_at(AT_FDCWD, path, fh, &mount_id, 0) == 0) {
        for (unsigned i = 0; i < fh->handle_bytes && 2 * i + 2 < len; i++)
            pathf(hex + 2 * i, 3, "%02x", fh->f_handle[i]);
        *type = fh->handle_type;
    }
    free(fh);
}

/* From inside: absolute path, /proc/N/root, cwd climbing, chroot+chdir(..)
 * (also in a nested user namespace where chroot is allowed), a new procfs,
 * a bind of "/", open_by_handle_at with a handle of the host file. None
 * may reach the host marker. Root mode runs with --cap-drop ALL: root
 * keeping its capabilities is not a sandbox. */
START_TEST(chroot_style_escapes)
{
    char marker[4200], content[64], inside[4200], hex[2 * MAX_HANDLE_SZ + 2], type[16];
    int htype;
    pathf(marker, sizeof marker, "%s/marker", W);
    pathf(content, sizeof content, "marker-%d-escape", (int)getpid());
    write_file(marker, content);
    pathf(inside, sizeof inside, "%s/inside", W);
    make_dir(inside);
    hex_handle(marker, hex, sizeof hex, &htype);
    pathf(type, sizeof type, "%d", htype);
    for (int v = 0; v < 2; v++) {
        struct result r;
        struct args a = { 0 };
        args_probe(&a);
        if (cfg.mode == MODE_ROOT)
            args_addv(&a, "--cap-drop", "ALL", END);
        args_addv(&a, "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/scratch",
                  "--bind", inside, "/w", END);
        if (v == 1)
            args_addv(&a, "--unshare-all", "--unshare-user", "--uid", "0", "--gid", "0", END);
        args_addv(&a, "/probe", "escape", marker, content, hex, type, "/w", "/scratch", END);
        run(&r, NULL, &a);
        args_free(&a);
        if (v == 1 && setuid_keeps_caller_ids()) {
            assert_one_error(&r, "--uid");
            result_free(&r);
            continue;
        }
        assert_ok(&r);
        ck_assert_msg(!strstr(r.out, "REACHED"), "escape from the sandbox:\n%s", r.out);
        ASSERT_LINE(&r, "escape: done");
        result_free(&r);
    }
}
END_TEST

/* ---------------- nothing left behind ---------------- */

/* Failures at different points: in the middle of the op list, at a late
 * op after mounts were made, at exec; and a bad option after good ones.
 * CAN FAIL AGAINST setuid bwrap: a failing --remount-ro sometimes prints
 * a second line ("Can't read from privileged_op_socket"). */
START_TEST(nothing_left_after_failure)
{
    char src[4200], missing[4200];
    pathf(src, sizeof src, "%s/src", W);
    pathf(missing, sizeof missing, "%s/missing", W);
    make_dir(src);
    struct snapshot s;
    snap_take(&s);
    struct result r;
    RUN(&r, "--unshare-pid", "--bind", src, "/a", "--tmpfs", "/t", "--dir", "/t/d", "--bind", missing, "/b",
        "/probe", "status");
    assert_one_error(&r, missing);
    result_free(&r);
    RUN(&r, "--unshare-all", "--proc", "/proc", "--dev", "/dev", "--bind", src, "/a", "--remount-ro",
        "/nowhere", "/probe", "status");
    assert_one_error(&r, "/nowhere");
    result_free(&r);
    RUN(&r, "--unshare-all", "--bind", src, "/a", "--tmpfs", "/t", "/t/no-such-command");
    assert_one_error(&r, "/t/no-such-command");
    result_free(&r);
    RUN(&r, "--unshare-all", "--bind", src, "/a", "--no-such-option", "/probe", "status");
    assert_one_error(&r, "--no-such-option");
    result_free(&r);
    snap_assert_unchanged(&s);
    assert_no_children();
    ck_assert_msg(dir_is_empty(src), "files created in a bound source");
}
END_TEST

#define S (1u << MODE_SETUID)
#define U (1u << MODE_USERNS)
#define R (1u << MODE_ROOT)
#define ALL (S | U | R)

void register_attack_tests(TCase *tc)
{
    const struct test_entry attack_tests[] = {
    T(ro_bind_nested_mount, ALL), T(ro_bind_remount_attack, ALL),
    T(symlink_escape_absolute, ALL), T(symlink_escape_dotdot, ALL),
    T(symlink_escape_proc_self_root, ALL), T(symlink_escape_oldroot, ALL),
    T(ptrace_setup_processes, S), T(ids_and_caps_of_every_process, S | U),
    T(payload_caps_and_nnp, S | U), T(setuid_no_nested_userns, S), T(tiocsti_new_session, ALL),
    T(only_callers_fds_reach_payload, ALL), T(cwd_inside_sandbox, ALL), T(root_only_file, S | U),
    T(chroot_style_escapes, ALL), T(nothing_left_after_failure, ALL),
    { NULL, 0 },
};
    add_tests(tc, attack_tests);
}
