/* cgroup.c: a cgroup v2 for each sandbox that asks for one.
 *
 * DIR is --cgroup's directory or, for limits without it, foil's own cgroup
 * (delegated, such as a systemd scope made with Delegate=yes, and holding
 * only foil). The sandbox runs in DIR/foil-sandbox-XXXXXXXX, with its
 * limits. In its own cgroup foil first moves itself to
 * DIR/foil-monitor-XXXXXXXX: cgroup v2 enables controllers for a cgroup's
 * children only while the cgroup itself holds no process.
 *
 * All of it runs in the monitor once it holds no privilege, so every file
 * is opened with the caller's identity and the kernel's delegation rules
 * apply as to any of the caller's processes (write access to DIR, to its
 * cgroup.procs, and to the cgroup.procs of the common parent of both ends
 * of a move). The setup process enters before it does anything else (its
 * own first step, through an fd the monitor opened, or the monitor moves it
 * while it waits), so every process of the sandbox starts inside.
 *
 * The end: cgroup.kill, wait for "populated 0", read the usage, rmdir. A
 * keeper process (its own session, deaf to the terminal's signals) watches
 * the monitor through a pidfd and does the same if the monitor dies first.
 */
#include "cgroup.h"
#include "lockdown.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CTL_MEMORY = 1, CTL_PIDS = 2, CTL_CPU = 4, CTL_IO = 8 };
static const char *const controller_names[] = { "memory", "pids", "cpu", "io" };
#define N_CONTROLLERS (sizeof controller_names / sizeof controller_names[0])

static const struct {
  const char *file;
  unsigned controller;
} limit_files[CG_N_LIMITS] = {
  [CG_MEMORY_MAX] = { "memory.max", CTL_MEMORY },
  [CG_MEMORY_HIGH] = { "memory.high", CTL_MEMORY },
  [CG_MEMORY_SWAP_MAX] = { "memory.swap.max", CTL_MEMORY },
  [CG_PIDS_MAX] = { "pids.max", CTL_PIDS },
  [CG_CPU_MAX] = { "cpu.max", CTL_CPU },
  [CG_CPU_WEIGHT] = { "cpu.weight", CTL_CPU },
  [CG_IO_WEIGHT] = { "io.weight", CTL_IO },
};

#define NAME_MAX_LEN 32

static struct {
  bool made;                        /* the sandbox's cgroup exists */
  int dir_fd;                       /* DIR */
  int fd;                           /* DIR/name, the sandbox's */
  int procs_fd;                     /* its cgroup.procs, for cgroup_enter() */
  int keeper_pidfd;
  pid_t keeper;
  char name[NAME_MAX_LEN];
  char monitor_name[NAME_MAX_LEN];  /* in foil's own cgroup: where the monitor went */
  unsigned enabled;                 /* controllers foil enabled in DIR's subtree_control */
  const char *option;               /* the option messages name */
  char path[CG_DIR_MAX];            /* DIR, for messages */
  char memory_max_arg[CG_VALUE_MAX];
} cg = { .dir_fd = -1, .fd = -1, .procs_fd = -1, .keeper_pidfd = -1 };

static void remove_all(void);
static void (*failure_hook)(void);

void cgroup_on_failure(void (*hook)(void))
{
  failure_hook = hook;
}

/* die(), after undoing what cgroup_prepare() made so far. Every error of
   cgroup_prepare() ends here, so that the failure hook always runs. */
static __attribute__((noreturn)) void fail_with(const char *msg)
{
  remove_all();
  if (failure_hook != NULL)
    failure_hook();
  die("%s", msg);
}

static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
  char msg[CG_DIR_MAX + 256];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fail_with(msg);
}

/* fail(), with ": " and errno's text after the message. */
static __attribute__((noreturn, format(printf, 1, 2))) void fail_errno(const char *fmt, ...)
{
  char msg[CG_DIR_MAX + 320];
  const char *reason = strerror(errno);
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(msg, sizeof msg - 64, fmt, ap);
  va_end(ap);
  if (n >= 0)
    snprintf(msg + strnlen(msg, sizeof msg), 64, ": %s", reason);
  fail_with(msg);
}

/* The whole (small) file DIRFD/NAME as a string; -1 with errno if unreadable. */
static ssize_t read_text_at(int dirfd, const char *name, char *buf, size_t size)
{
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t n;
  int saved;

  if (fd < 0)
    return -1;
  n = RETRY_EINTR(read(fd, buf, size - 1));
  saved = errno;
  close(fd);
  errno = saved;
  buf[n < 0 ? 0 : n] = '\0';
  return n;
}

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
  char *out = s;

  for (; *s != '\0'; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7')
      {
        *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

/* Where the root of the cgroup v2 hierarchy is mounted; false if nowhere. */
static bool cgroup2_mount_point(char *out, size_t size)
{
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char *line = NULL, root[CG_DIR_MAX], point[CG_DIR_MAX];
  size_t cap = 0;
  bool found = false;

  if (f == NULL)
    return false;
  while (!found && getline(&line, &cap, f) > 0)
    {
      const char *sep = strstr(line, " - ");

      if (sep == NULL || strncmp(sep + 3, "cgroup2 ", 8) != 0)
        continue;
      if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2 || strcmp(root, "/") != 0)
        continue;
      unescape_octal(point);
      found = strlen(point) < size;
      if (found)
        snprintf(out, size, "%s", point);
    }
  free(line);
  fclose(f);
  return found;
}

/* The path of the cgroup v2 this process is in; false without cgroup v2. */
static bool own_cgroup_path(char *out, size_t size)
{
  char mount_point[CG_DIR_MAX], text[8192];
  const char *line, *end;
  int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : RETRY_EINTR(read(fd, text, sizeof text - 1));

  if (fd >= 0)
    close(fd);
  if (n <= 0 || !cgroup2_mount_point(mount_point, sizeof mount_point))
    return false;
  text[n] = '\0';
  line = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
  if (line == NULL)
    return false;
  line += line == text ? 3 : 4;
  end = strchrnul(line, '\n');
  if (end - line == 1 && line[0] == '/')
    end = line;
  return snprintf(out, size, "%s%.*s", mount_point, (int)(end - line), line) < (int)size;
}

/* DIR: --cgroup's, or foil's own cgroup. Sets cg.dir_fd and cg.path;
   true if DIR is the cgroup foil runs in. */
static bool open_parent(const struct cgroup_request *req)
{
  char own[CG_DIR_MAX], mount_point[CG_DIR_MAX];
  bool have_own = own_cgroup_path(own, sizeof own);
  struct statfs sfs;
  struct stat dir_st, own_st;

  if (req->dir[0] == '\0' && !have_own)
    fail("%s: cgroup v2 is not mounted", cg.option);
  snprintf(cg.path, sizeof cg.path, "%s", req->dir[0] != '\0' ? req->dir : own);
  cg.dir_fd = open(cg.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg.dir_fd < 0)
    fail_errno("%s %s", cg.option, cg.path);
  if (fstatfs(cg.dir_fd, &sfs) < 0 || fstat(cg.dir_fd, &dir_st) < 0)
    fail_errno("%s %s", cg.option, cg.path);
  if (sfs.f_type != CGROUP2_SUPER_MAGIC && !cgroup2_mount_point(mount_point, sizeof mount_point))
    fail("%s %s: cgroup v2 is not mounted", cg.option, cg.path);
  if (sfs.f_type != CGROUP2_SUPER_MAGIC)
    fail("%s %s: not a cgroup v2 directory", cg.option, cg.path);
  return req->dir[0] == '\0' ||
         (have_own && stat(own, &own_st) == 0 && own_st.st_dev == dir_st.st_dev &&
          own_st.st_ino == dir_st.st_ino);
}

/* The controllers a cgroup.controllers or cgroup.subtree_control lists. */
static unsigned read_controllers(const char *file)
{
  char text[512], *save = NULL;
  unsigned set = 0;

  if (read_text_at(cg.dir_fd, file, text, sizeof text) < 0)
    fail_errno("%s: can't read %s/%s", cg.option, cg.path, file);
  for (char *w = strtok_r(text, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save))
    for (size_t i = 0; i < N_CONTROLLERS; i++)
      if (strcmp(w, controller_names[i]) == 0)
        set |= 1u << i;
  return set;
}

static __attribute__((noreturn)) void die_not_delegated(bool own)
{
  if (own)
    fail("%s: foil's own cgroup %s is not delegated to you; run foil under "
        "systemd-run --user --scope -p Delegate=yes, or pass --cgroup DIR",
        cg.option, cg.path);
  fail("%s %s: you may not create a cgroup here (%s)", cg.option, cg.path, strerror(errno));
}

/* Before anything is made: may the caller make a cgroup in DIR, and does
   DIR offer every controller the limits need? Returns those to enable. */
static unsigned check_parent(const struct cgroup_request *req, bool own)
{
  unsigned available, to_enable = 0;

  if (faccessat(cg.dir_fd, ".", W_OK | X_OK, AT_EACCESS) < 0 ||
      faccessat(cg.dir_fd, "cgroup.procs", W_OK, AT_EACCESS) < 0)
    die_not_delegated(own);
  available = read_controllers("cgroup.controllers");
  for (size_t i = 0; i < CG_N_LIMITS; i++)
    {
      unsigned c = limit_files[i].controller;

      if (req->value[i][0] == '\0')
        continue;
      if (!(available & c))
        fail("%s: the %s controller is not available in %s", req->option[i],
            controller_names[__builtin_ctz(c)], cg.path);
      to_enable |= c;
    }
  to_enable &= ~read_controllers("cgroup.subtree_control");
  if (to_enable != 0 && faccessat(cg.dir_fd, "cgroup.subtree_control", W_OK, AT_EACCESS) < 0)
    die_not_delegated(own);
  return to_enable;
}

/* In foil's own cgroup, the rule "no processes where controllers are
   enabled" is kept by moving foil out: only foil may be there. */
static void check_holds_only_foil(pid_t setup_pid)
{
  char text[4096], *save = NULL;

  if (read_text_at(cg.dir_fd, "cgroup.procs", text, sizeof text) < 0)
    fail_errno("%s: can't read %s/cgroup.procs", cg.option, cg.path);
  for (char *w = strtok_r(text, "\n", &save); w != NULL; w = strtok_r(NULL, "\n", &save))
    if (atoi(w) != getpid() && atoi(w) != setup_pid)
      fail("%s: foil's own cgroup %s holds other processes; run foil alone in a delegated "
          "cgroup (systemd-run --user --scope -p Delegate=yes), or pass --cgroup DIR",
          cg.option, cg.path);
}

static void make_cgroups(bool own)
{
  unsigned r;

  if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
    fail_errno("getrandom");
  snprintf(cg.name, sizeof cg.name, "foil-sandbox-%08x", r);
  if (mkdirat(cg.dir_fd, cg.name, 0755) < 0)
    fail_errno("%s: can't create %s/%s", cg.option, cg.path, cg.name);
  cg.made = true;
  cg.fd = openat(cg.dir_fd, cg.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg.fd < 0)
    fail("%s: can't open %s/%s: %s", cg.option, cg.path, cg.name, strerror(errno));
  /* Without it the end could not be guaranteed (Linux 5.14). */
  if (faccessat(cg.fd, "cgroup.kill", W_OK, AT_EACCESS) < 0)
    fail("%s: this kernel has no cgroup.kill (%s): foil could not kill what the sandbox leaves",
         cg.option, strerror(errno));
  if (!own)
    return;
  snprintf(cg.monitor_name, sizeof cg.monitor_name, "foil-monitor-%08x", r);
  if (mkdirat(cg.dir_fd, cg.monitor_name, 0755) < 0)
    {
      cg.monitor_name[0] = '\0';
      fail("%s: can't create %s/foil-monitor-%08x: %s", cg.option, cg.path, r, strerror(errno));
    }
}

/* Write PID ("0": this process) into DIRFD/CGROUP/cgroup.procs. */
static int move_to(int dirfd, const char *cgroup, const char *pid)
{
  char file[NAME_MAX_LEN + 16];

  snprintf(file, sizeof file, "%s%scgroup.procs", cgroup, cgroup[0] != '\0' ? "/" : "");
  return write_file_at(dirfd, file, pid);
}

static void enable_controllers(unsigned to_enable)
{
  for (size_t i = 0; i < N_CONTROLLERS; i++)
    {
      char word[16];

      if (!(to_enable & (1u << i)))
        continue;
      snprintf(word, sizeof word, "+%s", controller_names[i]);
      if (write_file_at(cg.dir_fd, "cgroup.subtree_control", word) < 0)
        {
          if (errno == EBUSY)
            fail("%s: can't enable the %s controller for %s: it holds processes (cgroup v2 "
                 "enables controllers only below cgroups without any)",
                 cg.option, controller_names[i], cg.path);
          fail("%s: can't enable the %s controller for %s: %s", cg.option, controller_names[i],
               cg.path, strerror(errno));
        }
      cg.enabled |= 1u << i;
    }
}

static void write_limits(const struct cgroup_request *req)
{
  for (size_t i = 0; i < CG_N_LIMITS; i++)
    {
      const char *file = limit_files[i].file;

      if (req->value[i][0] == '\0' || write_file_at(cg.fd, file, req->value[i]) == 0)
        continue;
      if (errno == ENOENT)
        fail("%s: this kernel has no %s for %s", req->option[i], file, cg.path);
      fail("%s: can't write \"%s\" to %s: %s", req->option[i], req->value[i], file,
           strerror(errno));
    }
}

/* ---- the end ---- */

static void kill_sandbox(void)
{
  char text[128];
  int events = openat(cg.fd, "cgroup.events", O_RDONLY | O_CLOEXEC);

  if (write_file_at(cg.fd, "cgroup.kill", "1") < 0)
    warn("Can't kill the processes in %s/%s: %s", cg.path, cg.name, strerror(errno));
  /* A change of "populated" wakes poll(); the timeout only bounds a wait
     for processes stuck in the kernel. */
  for (int i = 0; events >= 0 && i < 200; i++)
    {
      struct pollfd p = { .fd = events, .events = POLLPRI };
      ssize_t n = pread(events, text, sizeof text - 1, 0);

      if (n < 0)
        break;
      text[n] = '\0';
      if (strstr(text, "populated 0") != NULL)
        break;
      poll(&p, 1, 50);
    }
  if (events >= 0)
    close(events);
}

static void remove_sandbox_dir(void)
{
  /* A task that has exited may be counted a moment longer. */
  for (int i = 0; unlinkat(cg.dir_fd, cg.name, AT_REMOVEDIR) < 0; i++)
    if (errno != EBUSY || i == 200)
      {
        warn("Can't remove the sandbox's cgroup %s/%s: %s", cg.path, cg.name, strerror(errno));
        break;
      }
    else
      nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
  close(cg.fd);
  cg.fd = -1;
  cg.made = false;
}

/* Foil's own cgroup as it was: controllers off, foil back, its leaf gone. */
static void leave_monitor_cgroup(void)
{
  if (cg.monitor_name[0] == '\0')
    return;
  for (size_t i = 0; i < N_CONTROLLERS; i++)
    {
      char word[16];

      snprintf(word, sizeof word, "-%s", controller_names[i]);
      if ((cg.enabled & (1u << i)) && write_file_at(cg.dir_fd, "cgroup.subtree_control", word) < 0)
        warn("Can't disable the %s controller in %s: %s", controller_names[i], cg.path,
             strerror(errno));
    }
  if (move_to(cg.dir_fd, "", "0") < 0 || unlinkat(cg.dir_fd, cg.monitor_name, AT_REMOVEDIR) < 0)
    warn("Can't remove %s/%s: %s", cg.path, cg.monitor_name, strerror(errno));
  cg.monitor_name[0] = '\0';
}

static void remove_all(void)
{
  if (cg.made)
    {
      kill_sandbox();
      remove_sandbox_dir();
    }
  leave_monitor_cgroup();
}

/* ---- the keeper ---- */

/* Waits for the monitor to end; if it did without cleaning up (killed),
   the cgroup is still there: then it does the cleaning. */
static __attribute__((noreturn)) void run_keeper(pid_t monitor)
{
  static const int deaf[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGTSTP,
                              SIGTTIN, SIGTTOU };
  int pidfd = (int)syscall(SYS_pidfd_open, monitor, 0);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  int keep[3] = { cg.dir_fd, cg.fd, pidfd };
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  sigset_t none;

  /* Out of the caller's process group and terminal: a kill of that group
     or a hang-up ends the monitor, and this process must outlive it. */
  if (setsid() < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
    _exit(1);
  for (size_t i = 0; i < sizeof deaf / sizeof deaf[0]; i++)
    if (signal(deaf[i], SIG_IGN) == SIG_ERR)
      _exit(1);
  if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0)
    _exit(1);
  close_fds_except(keep, 3);
  if (pidfd >= 0 && getppid() == monitor)
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
      ;
  remove_all();
  _exit(0);
}

static void start_keeper(void)
{
  pid_t monitor = getpid(), pid = fork();

  if (pid < 0)
    fail("%s: can't start the process that guards the cleanup: %s", cg.option, strerror(errno));
  if (pid == 0)
    run_keeper(monitor);
  cg.keeper = pid;
  /* Opened before any wait could reap it: the signal below can never
     reach a recycled pid. */
  cg.keeper_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (cg.keeper_pidfd < 0)
    {
      kill(pid, SIGKILL);
      fail("%s: pidfd_open: %s", cg.option, strerror(errno));
    }
}

static void stop_keeper(void)
{
  if (cg.keeper_pidfd < 0)
    return;
  if (syscall(SYS_pidfd_send_signal, cg.keeper_pidfd, SIGKILL, NULL, 0) == 0 || errno != ESRCH)
    RETRY_EINTR(waitpid(cg.keeper, NULL, 0));
  close(cg.keeper_pidfd);
  cg.keeper_pidfd = -1;
}

/* ---- the interface ---- */

static const char *first_option(const struct cgroup_request *req)
{
  if (req->dir[0] != '\0')
    return "--cgroup";
  for (size_t i = 0; i < CG_N_LIMITS; i++)
    if (req->option[i][0] != '\0')
      return req->option[i];
  return "--cgroup";
}

void cgroup_prepare(const struct cgroup_request *req, pid_t setup_pid)
{
  char pid[24];
  bool own;
  unsigned to_enable;

  cg.option = first_option(req);
  snprintf(cg.memory_max_arg, sizeof cg.memory_max_arg, "%s", req->memory_max_arg);
  own = open_parent(req);
  to_enable = check_parent(req, own);
  if (own)
    check_holds_only_foil(setup_pid);
  make_cgroups(own);
  snprintf(pid, sizeof pid, "%d", (int)setup_pid);
  if (setup_pid > 0 && move_to(cg.fd, "", pid) < 0)
    fail("%s: can't move the sandbox into %s/%s: %s", cg.option, cg.path, cg.name, strerror(errno));
  if (own && move_to(cg.dir_fd, cg.monitor_name, "0") < 0)
    fail("%s: can't move foil into %s/%s: %s", cg.option, cg.path, cg.monitor_name,
         strerror(errno));
  enable_controllers(to_enable);
  write_limits(req);
  if (setup_pid <= 0)
    {
      cg.procs_fd = openat(cg.fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
      if (cg.procs_fd < 0)
        fail("%s: can't open %s/%s/cgroup.procs: %s", cg.option, cg.path, cg.name, strerror(errno));
    }
  start_keeper();
  /* Orphans of the sandbox come to the monitor, which reaps them at the end
     instead of leaving zombies to an init that may not. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    fail("%s: prctl(PR_SET_CHILD_SUBREAPER): %s", cg.option, strerror(errno));
}

int cgroup_spawn_fd(void)
{
  return cg.procs_fd >= 0 ? cg.fd : -1;
}

void cgroup_enter(void)
{
  if (cg.procs_fd < 0)
    return;
  /* The fd's opener (the monitor) is who the kernel checks. Not again
     when clone3 placed us: a write to cgroup.procs waits for an RCU grace
     period, the cost clone3 saves. */
  if (!spawned_in_cgroup() && write(cg.procs_fd, "0", 1) != 1)
    die_errno("%s: can't move the sandbox into %s/%s", cg.option, cg.path, cg.name);
  close(cg.procs_fd);
  close(cg.fd);
  close(cg.dir_fd);
  if (cg.keeper_pidfd >= 0)
    close(cg.keeper_pidfd);
  cg.procs_fd = cg.fd = cg.dir_fd = cg.keeper_pidfd = -1;
  cg.made = false;
  cg.monitor_name[0] = '\0';
}

/* A number after KEY (KEY "" : the file's first word) in DIR/FILE. */
static bool read_stat(const char *file, const char *key, unsigned long long *out)
{
  char text[4096];
  const char *at = text;
  size_t klen = strlen(key);

  if (read_text_at(cg.fd, file, text, sizeof text) < 0)
    return false;
  if (klen > 0)
    {
      for (at = text; at != NULL; at = strchr(at, '\n'), at = at != NULL ? at + 1 : NULL)
        if (strncmp(at, key, klen) == 0 && at[klen] == ' ')
          break;
      if (at == NULL)
        return false;
      at += klen + 1;
    }
  return sscanf(at, "%llu", out) == 1;
}

static void report_usage(int json_fd, int exit_code)
{
  static const struct {
    const char *key, *file, *field;
  } usage[] = {
    { "memory-peak", "memory.peak", "" },
    { "cpu-usec", "cpu.stat", "usage_usec" },
    { "pids-peak", "pids.peak", "" },
    { "oom-kills", "memory.events", "oom_kill" },
  };
  char line[512];
  int len = snprintf(line, sizeof line, "{ \"resource-usage\": {");
  const char *sep = " ";
  unsigned long long v, oom_kills = 0;

  for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++)
    if (read_stat(usage[i].file, usage[i].field, &v))
      {
        len += snprintf(line + len, sizeof line - (size_t)len, "%s\"%s\": %llu", sep, usage[i].key, v);
        sep = ", ";
        if (strcmp(usage[i].key, "oom-kills") == 0)
          oom_kills = v;
      }
  snprintf(line + len, sizeof line - (size_t)len, " } }\n");
  if (exit_code == 128 + SIGKILL && oom_kills > 0)
    {
      if (cg.memory_max_arg[0] != '\0')
        warn("the command was killed: memory limit %s reached", cg.memory_max_arg);
      else
        warn("the command was killed: out of memory in its cgroup");
    }
  if (json_fd >= 0 && write_all(json_fd, line, strlen(line)) < 0)
    warn("Can't write to --json-status-fd %d: %s", json_fd, strerror(errno));
}

void cgroup_finish(int json_fd, int exit_code)
{
  if (!cg.made)
    return;
  kill_sandbox();
  report_usage(json_fd, exit_code);
  remove_sandbox_dir();
  for (pid_t w; (w = waitpid(-1, NULL, WNOHANG)) > 0 || (w < 0 && errno == EINTR);)
    ;
  /* Only now: the keeper shares the monitor's cgroup, which must empty. */
  stop_keeper();
  leave_monitor_cgroup();
}
