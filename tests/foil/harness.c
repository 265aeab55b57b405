/* Helpers of the foil integration suite (see harness.h). */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct config cfg;
char W[4096];

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        abort();
    return p;
}

/* ---- per-test scratch dir ---- */

void work_setup(void)
{
    /* foil's orphans come back to this process, to be found and killed. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    snprintf(W, sizeof W, "%s/t.XXXXXX", cfg.workbase);
    ck_assert_msg(mkdtemp(W) != NULL, "mkdtemp %s: %s", W, strerror(errno));
    chmod(W, 0755);
    if (chdir(W) != 0)
        ck_abort_msg("chdir %s", W);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    if (flag == FTW_DP || flag == FTW_D)
        chmod(path, 0700), rmdir(path);
    else
        unlink(path);
    return 0;
}

void work_teardown(void)
{
    kill_children();
    if (chdir("/") != 0)
        return;
    if (W[0])
        nftw(W, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* ---- argument lists ---- */

void args_add(struct args *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = strdup(s);
    a->v[a->n] = NULL;
}

void args_addf(struct args *a, const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    args_add(a, s);
    free(s);
}

void args_addv(struct args *a, ...)
{
    va_list ap;
    va_start(ap, a);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        args_add(a, s);
    va_end(ap);
}

void args_free(struct args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

void args_probe(struct args *a)
{
    args_addv(a, "--ro-bind", cfg.probe, "/probe", END);
}

/* ---- running foil ---- */

static bool kept(const struct spawn *o, int fd)
{
    for (int i = 0; o && i < o->nkeep; i++)
        if (o->keep_fds[i] == fd)
            return true;
    return false;
}

/* In the child: closes every fd but 0-2 and the kept ones, so that each
 * test controls exactly what foil inherits. */
static void close_other_fds(const struct spawn *o)
{
    DIR *d = opendir("/proc/self/fd");
    int dfd = d ? dirfd(d) : -1;
    int fds[1024], n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 1024) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd > 2 && fd != dfd && !kept(o, fd))
            fds[n++] = fd;
    }
    if (d)
        closedir(d);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    for (int i = 0; o && i < o->nkeep; i++)
        fcntl(o->keep_fds[i], F_SETFD, 0);
}

pid_t start(const struct spawn *o, struct args *a, int *in_fd, int *out_fd, int *err_fd)
{
    int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    const char *path = o && o->exec_path ? o->exec_path : cfg.foil;
    const char *argv0 = o && o->argv0 ? o->argv0 : path;
    struct args full = { 0 };

    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    args_add(&full, argv0);
    for (size_t i = 0; i < a->n; i++)
        args_add(&full, a->v[i]);
    if ((in_fd && pipe2(inp, O_CLOEXEC) != 0) || (out_fd && pipe2(outp, O_CLOEXEC) != 0) ||
        (err_fd && pipe2(errp, O_CLOEXEC) != 0))
        ck_abort_msg("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (o && o->own_pgrp)
            setpgid(0, 0);
        if (o && o->pty > 0) {
            setsid();
            ioctl(o->pty, TIOCSCTTY, 0);
            dup2(o->pty, 0);
            dup2(o->pty, 1);
            dup2(o->pty, 2);
        } else {
            dup2(in_fd ? inp[0] : devnull, 0);
            dup2(out_fd ? outp[1] : devnull, 1);
            dup2(err_fd ? errp[1] : devnull, 2);
        }
        close_other_fds(o);
        signal(SIGPIPE, SIG_DFL);
        execv(path, full.v);
        dprintf(2, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    args_free(&full);
    if (in_fd) {
        close(inp[0]);
        *in_fd = inp[1];
    }
    if (out_fd) {
        close(outp[1]);
        *out_fd = outp[0];
    }
    if (err_fd) {
        close(errp[1]);
        *err_fd = errp[0];
    }
    return pid;
}

int wait_code(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

char *slurp_fd(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = xrealloc(NULL, cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = 0;
    return buf;
}

bool read_line(int fd, char *buf, size_t len)
{
    size_t i = 0;
    while (i + 1 < len) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n') {
            buf[i] = 0;
            return true;
        }
        buf[i++] = c;
    }
    buf[i] = 0;
    return i > 0;
}

/* Collects stdout and stderr together with poll, so neither pipe fills up. */
static void collect(int out, int err, char **o, char **e)
{
    size_t len[2] = { 0, 0 }, cap[2] = { 4096, 4096 };
    char *buf[2] = { xrealloc(NULL, 4096), xrealloc(NULL, 4096) };
    struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            if (len[i] + 4096 >= cap[i])
                buf[i] = xrealloc(buf[i], cap[i] *= 2);
            ssize_t n = read(p[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
            if (n <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
            } else {
                len[i] += (size_t)n;
            }
        }
    }
    buf[0][len[0]] = 0;
    buf[1][len[1]] = 0;
    *o = buf[0];
    *e = buf[1];
}

void run(struct result *r, const struct spawn *o, struct args *a)
{
    int in = -1, out, err;
    const char *data = o ? o->stdin_data : NULL;
    pid_t pid = start(o, a, data ? &in : NULL, &out, &err);
    if (data) {
        signal(SIGPIPE, SIG_IGN);
        if (write(in, data, strlen(data)) < 0) {
            /* foil may exit without reading: not an error of the test */
        }
        close(in);
    }
    collect(out, err, &r->out, &r->err);
    r->code = wait_code(pid);
}

void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- output matching ---- */

bool has_line(const char *buf, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == 0))
            return true;
    return false;
}

bool has_linef(const char *buf, const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    bool ok = has_line(buf, s);
    free(s);
    return ok;
}

const char *value_of(const char *buf, const char *key)
{
    static char val[4096];
    size_t n = strlen(key);
    for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, key, n) && p[n] == ':' && p[n + 1] == ' ') {
            const char *v = p + n + 2;
            size_t l = strcspn(v, "\n");
            if (l >= sizeof val)
                l = sizeof val - 1;
            memcpy(val, v, l);
            val[l] = 0;
            return val;
        }
    }
    return NULL;
}

size_t count_lines(const char *buf)
{
    size_t n = 0;
    for (const char *p = buf; *p; p++)
        if (*p == '\n')
            n++;
    if (*buf && buf[strlen(buf) - 1] != '\n')
        n++;
    return n;
}

void assert_one_error(const struct result *r, const char *what)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s: ", cfg.name);
    ck_assert_msg(r->code == 1, "exit %d, expected 1\nstdout:\n%s\nstderr:\n%s", r->code, r->out, r->err);
    ck_assert_msg(r->out[0] == 0, "stdout not empty:\n%s", r->out);
    ck_assert_msg(count_lines(r->err) == 1, "expected exactly one stderr line, got:\n%s", r->err);
    ck_assert_msg(!strncmp(r->err, prefix, strlen(prefix)), "stderr does not start with \"%s\":\n%s",
                  prefix, r->err);
    ck_assert_msg(!what || strstr(r->err, what), "stderr does not name \"%s\":\n%s", what, r->err);
}

bool setuid_keeps_caller_ids(void)
{
    char *v = read_file("/proc/sys/kernel/unprivileged_userns_clone");
    bool forbidden = v && v[0] == '0';
    free(v);
    return cfg.mode == MODE_SETUID && forbidden;
}

void assert_ok(const struct result *r)
{
    ck_assert_msg(r->code == 0, "exit %d, expected 0\nstdout:\n%s\nstderr:\n%s", r->code, r->out, r->err);
    ck_assert_msg(r->err[0] == 0, "unexpected stderr:\n%s", r->err);
}

/* ---- fds, data and started sandboxes ---- */

/* True (and prints SKIP) when the binary under test is a bwrap older than
 * 0.MINOR, which does not have the option the test is about. */
bool bwrap_lacks(const char *test, int minor)
{
    if (cfg.target_bwrap && cfg.target_bwrap < minor) {
        printf("SKIP %s:%s: bubblewrap 0.%d has no such option\n", cfg.mode_name, test, cfg.target_bwrap);
        return true;
    }
    return false;
}

/* True (and prints SKIP) when the binary under test is bwrap: the test is
 * about one of foil's extensions. */
bool not_foil(const char *test)
{
    if (cfg.target_bwrap) {
        printf("SKIP %s:%s: a foil extension\n", cfg.mode_name, test);
        return true;
    }
    return false;
}

/* Exit 1 and exactly the line "NAME: MSG" on stderr. */
void assert_error_text(const struct result *r, const char *msg)
{
    char want[512];
    pathf(want, sizeof want, "%s: %s\n", cfg.name, msg);
    assert_one_error(r, NULL);
    ck_assert_msg(!strcmp(r->err, want), "expected the error\n%sgot\n%s", want, r->err);
}

/* Runs ARGS (the probe is bound first) with fds FDS left open. */
void run_with_fds(struct result *r, struct args *a, const int *fds, int n)
{
    struct spawn o = { 0 };
    struct args full = { 0 };
    args_probe(&full);
    for (size_t i = 0; i < a->n; i++)
        args_add(&full, a->v[i]);
    for (int i = 0; i < n; i++)
        o.keep_fds[o.nkeep++] = fds[i];
    run(r, &o, &full);
    args_free(&full);
}

void add_fd_arg(struct args *a, const char *opt, int fd)
{
    args_add(a, opt);
    args_addf(a, "%d", fd);
}

/* A memfd holding TEXT (not CLOEXEC). */
int text_fd(const char *text)
{
    return data_fd(text, strlen(text));
}

/* NUL-separated words, for --args. */
int args_data_fd(const char *const *words, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    char *buf = malloc(len + 1), *p = buf;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(words[i]) + 1;
        memcpy(p, words[i], l);
        p += l;
    }
    int fd = data_fd(buf, len);
    free(buf);
    return fd;
}

/* Waits up to MS for fd to become readable (or hang up). */
bool readable_within(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    int n;
    while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
        ;
    return n == 1;
}

/* Reads one line with a generous limit; fails the test on timeout. */
void expect_line(int fd, char *buf, size_t len, const char *what)
{
    ck_assert_msg(readable_within(fd, LONG_MS), "timed out waiting for %s", what);
    ck_assert_msg(read_line(fd, buf, len), "EOF instead of %s", what);
}

/* Reads fd until EOF, failing after LONG_MS without EOF. */
char *slurp_within(int fd, const char *what)
{
    size_t len = 0;
    char *buf = malloc(65536);
    for (;;) {
        ck_assert_msg(readable_within(fd, LONG_MS), "no EOF on %s; got so far:\n%.*s", what, (int)len, buf);
        ck_assert_msg(len < 65535, "too much data on %s", what);
        ssize_t n = read(fd, buf + len, 65535 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = 0;
    return buf;
}

/* Reads a pretty-printed JSON object (up to the line "}") without waiting
 * for EOF, so that tests of other fds do not depend on when foil closes
 * this one. */
char *read_json_object(int fd, const char *what)
{
    char *buf = calloc(1, 8192), line[1024];
    do {
        expect_line(fd, line, sizeof line, what);
        ck_assert_msg(strlen(buf) + strlen(line) + 2 < 8192, "%s too long", what);
        strcat(buf, line);
        strcat(buf, "\n");
    } while (strcmp(line, "}"));
    return buf;
}

/* True if fd is at EOF right now (without blocking: every writer is gone). */
bool at_eof_now(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 0) != 1)
        return false;
    char c;
    return read(fd, &c, 1) == 0;
}

void live_start(struct live *l, struct args *a, const int *fds, int n)
{
    struct spawn o = { 0 };
    struct args full = { 0 };
    args_probe(&full);
    for (size_t i = 0; i < a->n; i++)
        args_add(&full, a->v[i]);
    for (int i = 0; i < n; i++)
        o.keep_fds[o.nkeep++] = fds[i];
    l->pid = start(&o, &full, &l->in, &l->out, &l->err);
    args_free(&full);
}

/* Closes the payload's stdin and collects the exit status. */
int live_finish(struct live *l, char **err)
{
    if (l->in >= 0)
        close(l->in);
    l->in = -1;
    char *rest = slurp_fd(l->out);
    free(rest);
    char *e = slurp_fd(l->err);
    close(l->out);
    close(l->err);
    int code = wait_code(l->pid);
    if (err)
        *err = e;
    else
        free(e);
    return code;
}

void open_data_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        fds[i] = text_fd("data\n");
}

void close_fds(const int *fds, int n)
{
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* ---- a tiny reader for the flat JSON objects bwrap writes ---- */

/* Parses { "k": 123, ... }; returns false on anything else. */
bool json_parse(const char *s, struct json_obj *o)
{
    o->n = 0;
    while (*s == ' ' || *s == '\n')
        s++;
    if (*s++ != '{')
        return false;
    for (;;) {
        while (*s == ' ' || *s == '\n')
            s++;
        if (*s == '}')
            break;
        if (*s++ != '"' || o->n >= 16)
            return false;
        size_t l = strcspn(s, "\"");
        if (l >= 64 || s[l] != '"')
            return false;
        memcpy(o->key[o->n], s, l);
        o->key[o->n][l] = 0;
        s += l + 1;
        if (*s++ != ':')
            return false;
        char *end;
        o->val[o->n++] = strtoll(s, &end, 10);
        if (end == s)
            return false;
        s = end;
        while (*s == ' ' || *s == '\n')
            s++;
        if (*s == ',')
            s++;
        else if (*s != '}')
            return false;
    }
    s++;
    while (*s == ' ' || *s == '\n')
        s++;
    return *s == 0;
}

const long long *json_get(const struct json_obj *o, const char *key)
{
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->key[i], key))
            return &o->val[i];
    return NULL;
}

/* The keys, sorted and joined with spaces (for messages and comparisons). */
const char *json_keys(const struct json_obj *o)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    char *sorted[16];
    for (int i = 0; i < o->n; i++)
        sorted[i] = (char *)o->key[i];
    for (int i = 0; i < o->n; i++)
        for (int j = i + 1; j < o->n; j++)
            if (strcmp(sorted[j], sorted[i]) < 0) {
                char *t = sorted[i];
                sorted[i] = sorted[j];
                sorted[j] = t;
            }
    buf[k][0] = 0;
    for (int i = 0; i < o->n; i++) {
        strcat(buf[k], i ? " " : "");
        strcat(buf[k], sorted[i]);
    }
    return buf[k];
}

/* ---- leftovers ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins sorted lines into one string, so two snapshots compare with strcmp. */
static char *join_sorted(char **v, size_t n)
{
    size_t len = 1;
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *s = xrealloc(NULL, len);
    s[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strcat(s, v[i]);
        strcat(s, "\n");
        free(v[i]);
    }
    free(v);
    return s;
}

static char **list_v;
static size_t list_n, list_cap;

static void list_push(const char *s)
{
    if (list_n + 1 > list_cap)
        list_v = xrealloc(list_v, (list_cap = list_cap ? list_cap * 2 : 64) * sizeof *list_v);
    list_v[list_n++] = strdup(s);
}

static int list_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    list_push(path);
    return 0;
}

/* Where every run of the suite keeps its private temp dir (run-integration.sh
 * and harness_init() make it with mktemp). */
#define TDIR_PREFIX "/var/tmp/foil-check."

/* True for a mount in the temp dir of another run of this suite: a
 * concurrent `make check` mounts and unmounts its fixture there. */
static bool other_runs_mount(const char *mount_point)
{
    size_t n = strlen(cfg.tdir);
    if (strncmp(mount_point, TDIR_PREFIX, strlen(TDIR_PREFIX)) != 0)
        return false;
    return strncmp(mount_point, cfg.tdir, n) != 0 || (mount_point[n] != '/' && mount_point[n] != 0);
}

/* "ID MOUNT-POINT" of each mount of our mount namespace. */
static char *mount_list(void)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[8192], id[32], mp[4096];
    list_v = NULL;
    list_n = list_cap = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%31s %*s %*s %*s %4095s", id, mp) != 2 || other_runs_mount(mp))
            continue;
        pathf(line, sizeof line, "%s %s", id, mp);
        list_push(line);
    }
    if (f)
        fclose(f);
    return join_sorted(list_v, list_n);
}

void snap_take(struct snapshot *s)
{
    s->mounts = mount_list();

    list_v = NULL;
    list_n = list_cap = 0;
    nftw(W, list_entry, 32, FTW_PHYS);
    /* Shared temp dirs: only entries owned by us, and only when we are a
     * throw-away user; root shares these dirs with the whole machine. */
    static const char *const shared[] = { "/tmp", "/var/tmp", "/dev/shm" };
    for (size_t i = 0; getuid() != 0 && i < 3; i++) {
        DIR *d = opendir(shared[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char p[4096];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s", shared[i], e->d_name);
            if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
                if (lstat(p, &st) == 0 && st.st_uid == getuid())
                    list_push(p);
        }
        if (d)
            closedir(d);
    }
    s->files = join_sorted(list_v, list_n);
}

void snap_assert_unchanged(struct snapshot *before)
{
    struct snapshot after;
    snap_take(&after);
    ck_assert_msg(!strcmp(before->mounts, after.mounts), "host mount table changed:\nbefore:\n%s\nafter:\n%s",
                  before->mounts, after.mounts);
    ck_assert_msg(!strcmp(before->files, after.files), "files changed:\nbefore:\n%s\nafter:\n%s",
                  before->files, after.files);
    free(after.mounts);
    free(after.files);
    free(before->mounts);
    free(before->files);
    before->mounts = before->files = NULL;
}

/* Children of this process (foil's orphans are reparented to us). */
static int list_children(pid_t *pids, int max)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        char p[64], buf[1024];
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        snprintf(p, sizeof p, "/proc/%d/stat", pid);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = 0;
        char *rp = strrchr(buf, ')');
        char state;
        int ppid;
        if (rp && sscanf(rp + 2, "%c %d", &state, &ppid) == 2 && ppid == getpid() && state != 'Z')
            pids[n++] = pid;
    }
    if (d)
        closedir(d);
    return n;
}

void assert_no_children(void)
{
    pid_t pids[64];
    int n = 0;
    /* A process in the middle of exiting is not left behind: give the
     * kernel up to two seconds to finish it. */
    for (int i = 0; i < 200; i++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        n = list_children(pids, 64);
        if (n == 0)
            break;
        usleep(10000);
    }
    if (n > 0) {
        char comm[64] = "?", p[64];
        snprintf(p, sizeof p, "/proc/%d/comm", pids[0]);
        char *c = read_file(p);
        if (c)
            snprintf(comm, sizeof comm, "%s", c);
        free(c);
        kill_children();
        ck_abort_msg("%d process(es) left behind, e.g. pid %d %s", n, pids[0], comm);
    }
}

void kill_children(void)
{
    pid_t pids[64];
    for (int round = 0; round < 50; round++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        int n = list_children(pids, 64);
        if (n == 0)
            return;
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        usleep(10000);
    }
}

/* ---- files ---- */

void pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len)
        ck_abort_msg("string too long: %s", buf);
}

void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *s = slurp_fd(fd);
    close(fd);
    return s;
}

bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    bool empty = true;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = false;
    if (d)
        closedir(d);
    return empty;
}

void make_dir(const char *path)
{
    ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

const char *ns_inode(pid_t pid, const char *ns)
{
    static char buf[64];
    char p[64];
    struct stat st;
    if (pid)
        snprintf(p, sizeof p, "/proc/%d/ns/%s", (int)pid, ns);
    else
        snprintf(p, sizeof p, "/proc/self/ns/%s", ns);
    if (stat(p, &st) != 0)
        return "unknown";
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)st.st_ino);
    return buf;
}

int data_fd(const void *data, size_t len)
{
    int fd = (int)syscall(SYS_memfd_create, "foil-test", 0);
    ck_assert_msg(fd >= 0, "memfd_create: %s", strerror(errno));
    ck_assert(write(fd, data, len) == (ssize_t)len);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* ---- configuration ---- */

#include "suites.h"

static char own_tdir[64];

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static enum mode detect_mode(void)
{
    const char *m = getenv("FOIL_TEST_MODE");
    struct stat st;
    if (m && !strcmp(m, "setuid"))
        return MODE_SETUID;
    if (m && !strcmp(m, "userns"))
        return MODE_USERNS;
    if (m && !strcmp(m, "root"))
        return MODE_ROOT;
    if (getuid() == 0)
        return MODE_ROOT;
    if (stat(cfg.foil, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0)
        return MODE_SETUID;
    return MODE_USERNS;
}

static char *abs_path(const char *p)
{
    char *r = realpath(p, NULL);
    if (!r) {
        fprintf(stderr, "check_foil: %s: %s\n", p, strerror(errno));
        exit(2);
    }
    return r;
}

/* "bubblewrap 0.8.0" -> 8; anything else (foil, under any name) -> 0. Runs before any
 * test, so it must not use Check's assertions. */
static int bwrap_minor(const char *binary)
{
    int p[2], minor = 0;
    char buf[256] = "";
    if (pipe2(p, O_CLOEXEC) != 0)
        return 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        execl(binary, binary, "--version", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    ssize_t n = pid > 0 ? read(p[0], buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    close(p[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    /* foil invoked as bwrap says "bubblewrap 0.11.1 (foil X.Y.Z)": still foil. */
    if (strstr(buf, "foil") || sscanf(buf, "bubblewrap 0.%d", &minor) != 1)
        minor = 0;
    return minor;
}

void harness_init(void)
{
    static const char *const names[] = { "setuid", "userns", "root" };
    static char self[4096];
    char p[4200];
    struct stat st;

    cfg.foil = abs_path(env_or("FOIL", "./foil"));
    /* Not the realpath: a symlink's own name is what foil prints. */
    {
        const char *f = env_or("FOIL", "./foil");
        const char *slash = strrchr(f, '/');
        cfg.name = slash ? slash + 1 : f;
    }
    cfg.mode = detect_mode();
    cfg.mode_name = names[cfg.mode];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    cfg.bindir = env_or("FOIL_TEST_BIN", dirname(self));
    snprintf(p, sizeof p, "%s/foil-probe", cfg.bindir);
    cfg.probe = strdup(p);
    cfg.payload_comm = "probe";  /* bound and run as /probe */
    if (access(cfg.probe, X_OK) != 0) {
        fprintf(stderr, "check_foil: helper %s missing\n", cfg.probe);
        exit(2);
    }
    if (getenv("FOIL_TEST_DIR")) {
        cfg.tdir = getenv("FOIL_TEST_DIR");
    } else {
        /* Not /tmp: sandboxes commonly hide it, and it is shared. */
        snprintf(own_tdir, sizeof own_tdir, TDIR_PREFIX "XXXXXX");
        if (!mkdtemp(own_tdir)) {
            perror("check_foil: mkdtemp");
            exit(2);
        }
        chmod(own_tdir, 0755);
        cfg.tdir = own_tdir;
    }
    cfg.workbase = env_or("FOIL_TEST_WORK", cfg.tdir);
    /* The secret's dir is 0700 root: its existence is all we can see. */
    snprintf(p, sizeof p, "%s/rootonly", cfg.tdir);
    if (stat(p, &st) == 0 && st.st_uid == 0 && (st.st_mode & 0777) == 0700 && getuid() != 0) {
        snprintf(p, sizeof p, "%s/rootonly/secret", cfg.tdir);
        cfg.secret = strdup(p);
    }
    snprintf(p, sizeof p, "%s/rosrc/sub", cfg.tdir);
    struct stat parent;
    char pp[4200];
    snprintf(pp, sizeof pp, "%s/rosrc", cfg.tdir);
    if (stat(p, &st) == 0 && stat(pp, &parent) == 0 && st.st_dev != parent.st_dev)
        cfg.rosrc = strdup(pp);
    setenv("TMPDIR", cfg.workbase, 1);
    if (getenv("FOIL_TEST_BWRAP") && access(getenv("FOIL_TEST_BWRAP"), X_OK) == 0)
        cfg.bwrap = getenv("FOIL_TEST_BWRAP");
    cfg.target_bwrap = bwrap_minor(cfg.foil);
    printf("foil integration suite: mode %s, binary %s (prefix \"%s:\"), uid %d, reference bwrap %s\n",
           cfg.mode_name, cfg.foil, cfg.name, (int)getuid(), cfg.bwrap ? cfg.bwrap : "(none)");
    fflush(stdout);
}

void harness_done(void)
{
    if (own_tdir[0]) {
        W[0] = 0;
        snprintf(W, sizeof W, "%s", own_tdir);
        work_teardown();
    }
}

/* FOIL_TEST_ONLY="a,b": only the tests named. Check's own CK_RUN_CASE
 * cannot pick one test: each TCase here is a whole mode. */
static bool selected(const char *name)
{
    const char *only = getenv("FOIL_TEST_ONLY");
    size_t n = strlen(name);
    if (!only || !*only)
        return true;
    for (const char *p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
            return true;
    return false;
}

void add_tests(TCase *tc, const struct test_entry *t)
{
    const char *to = getenv("CK_DEFAULT_TIMEOUT");
    tcase_set_timeout(tc, to ? atof(to) : 60);
    tcase_add_checked_fixture(tc, work_setup, work_teardown);
    for (; t->test; t++) {
        if (!selected(t->test->name))
            continue;
        if (t->modes & (1u << cfg.mode))
            tcase_add_test(tc, t->test);
        else
            printf("SKIP %s:%s: not meaningful in %s mode\n", cfg.mode_name, t->test->name, cfg.mode_name);
    }
    fflush(stdout);
}
