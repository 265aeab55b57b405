/* namespaces.c: the setup process's namespaces. It unshares the mount, ipc,
 * uts, net, cgroup and time namespaces, enters the pid namespace (forking the
 * future pid 1, and with --pidns a waiter inside the joined one), reports
 * their ids to --info-fd/--json-status-fd, and after pivot_root gives the
 * payload its own ids in a nested user namespace.
 */
#include "namespaces.h"
#include "lockdown.h"
#include "report.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Root mode with --unshare-user: root maps itself, so no privileged helper. */
static void root_enter_user_namespace(struct config *cfg)
{
  if (unshare(CLONE_NEWUSER) < 0)
    {
      if (!cfg->unshare_user)
        return;
      die_errno("Can't create a user namespace");
    }
  cfg->unshare_user = true;
  /* Without privilege over the parent namespace, the gid map needs setgroups denied. */
  if (write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny") < 0 ||
      write_file_at(AT_FDCWD, "/proc/self/uid_map", "0 0 1\n") < 0 ||
      write_file_at(AT_FDCWD, "/proc/self/gid_map", "0 0 1\n") < 0)
    die_errno("Can't write the uid/gid maps of the sandbox");
}

static void bring_up_loopback(void)
{
  struct ifreq ifr;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (s < 0)
    die_errno("Can't create a socket to configure loopback");
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
    die_errno("Can't read the flags of lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    die_errno("Can't bring up lo");
  close(s);
}

static void write_time_offset(int fd, const char *option, const char *clock, long long seconds)
{
  char line[64];
  int n = snprintf(line, sizeof line, "%s %lld 0\n", clock, seconds);

  if (write(fd, line, (size_t)n) != n)
    die_errno("%s %lld: Can't set the time namespace's offset", option, seconds);
}

/* Like our map files (enter_final_user_namespace()), the offsets file
   belongs to root while we are not dumpable: open it in a short dumpable
   window. */
static void write_time_offsets(const struct config *cfg)
{
  int fd;

  if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    die_errno("Can't open /proc/self/timens_offsets");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  if (cfg->monotonic_offset_set)
    write_time_offset(fd, "--monotonic-offset", "monotonic", cfg->monotonic_offset);
  if (cfg->boottime_offset_set)
    write_time_offset(fd, "--boottime-offset", "boottime", cfg->boottime_offset);
  close(fd);
}

/* unshare() makes the time namespace only our children's, and its offsets
   can be written only while no process is in it: write them, then enter it
   ourselves, so that every process of the sandbox is in it whatever the
   layout. (Left to exec, the payload would stay in the host's on kernels
   whose exec does not switch time namespaces, Linux 6.1 among them.) */
static void unshare_time_namespace(const struct config *cfg)
{
  int fd;

  if (unshare(CLONE_NEWTIME) < 0)
    die_errno("--unshare-time: Can't create a time namespace");
  if (cfg->monotonic_offset_set || cfg->boottime_offset_set)
    write_time_offsets(cfg);
  fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die_errno("Can't open /proc/self/ns/time_for_children");
  if (setns(fd, CLONE_NEWTIME) < 0)
    die_errno("--unshare-time: Can't enter the new time namespace");
  close(fd);
}

void unshare_namespaces(struct config *cfg)
{
  int flags = CLONE_NEWNS;

  if (cfg->mode == MODE_ROOT && cfg->userns_fd < 0 && cfg->userns_block_fd < 0 &&
      (cfg->unshare_user || cfg->unshare_user_try))
    root_enter_user_namespace(cfg);
  if (cfg->unshare_ipc)
    flags |= CLONE_NEWIPC;
  if (cfg->unshare_uts)
    flags |= CLONE_NEWUTS;
  if (cfg->unshare_net)
    flags |= CLONE_NEWNET;
  if (cfg->unshare_cgroup || cfg->unshare_cgroup_try)
    flags |= CLONE_NEWCGROUP;
  if (unshare(flags) < 0)
    {
      if (!(errno == EINVAL && cfg->unshare_cgroup_try && !cfg->unshare_cgroup))
        die_errno("Can't create new namespaces");
      if (unshare(flags & ~CLONE_NEWCGROUP) < 0)
        die_errno("Can't create new namespaces");
    }
  /* Owned, like the others, by the user namespace we are in now. */
  if (cfg->unshare_time)
    unshare_time_namespace(cfg);
  if (cfg->unshare_net)
    bring_up_loopback();
  if (cfg->hostname != NULL && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    die_errno("Can't set hostname to %s", cfg->hostname);
}

static bool process_has_exited(int pidfd, int timeout_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  return RETRY_EINTR(poll(&p, 1, timeout_ms)) > 0;
}


static const char *const ns_keys[N_REPORTED_NS] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "uts" };

/* Read through an fd to the host's /proc opened earlier: once the pid-1
   child has done pivot_root, so have we (pivot_root moves every process of
   the mount namespace), and "/proc" means the sandbox's. */
void collect_namespace_ids(const struct config *cfg, int proc_fd, struct namespace_ids *ids)
{
  /* The pid and time namespaces are those of our children. */
  static const char *const files[N_REPORTED_NS] = { "cgroup", "ipc", "mnt", "net", "pid_for_children",
                                                    "time_for_children", "uts" };
  const bool used[N_REPORTED_NS] = { cfg->unshare_cgroup || cfg->unshare_cgroup_try, cfg->unshare_ipc,
                                     true, cfg->unshare_net, cfg->unshare_pid, cfg->unshare_time,
                                     cfg->unshare_uts };
  char path[64];

  for (int i = 0; i < N_REPORTED_NS; i++)
    {
      struct stat st;

      snprintf(path, sizeof path, "self/ns/%s", files[i]);
      ids->ino[i] = used[i] && fstatat(proc_fd, path, &st, 0) == 0 ? (unsigned long long)st.st_ino : 0;
    }
}

/* "child-pid" and the inode of every namespace foil created (not the user
   namespace), as bwrap writes them: pretty for --info-fd, one line for
   --json-status-fd. */
void write_namespace_report(const struct config *cfg, pid_t child_pid,
                                   const struct namespace_ids *ids)
{
  char info[1024], line[1024];
  int ni, nl;

  if (cfg->info_fd < 0 && cfg->json_status_fd < 0)
    return;
  ni = snprintf(info, sizeof info, "{\n    \"child-pid\": %d", (int)child_pid);
  nl = snprintf(line, sizeof line, "{ \"child-pid\": %d", (int)child_pid);
  for (int i = 0; i < N_REPORTED_NS; i++)
    {
      if (ids->ino[i] == 0)
        continue;
      ni += snprintf(info + ni, sizeof info - (size_t)ni, ",\n    \"%s-namespace\": %llu", ns_keys[i],
                     ids->ino[i]);
      nl += snprintf(line + nl, sizeof line - (size_t)nl, ", \"%s-namespace\": %llu", ns_keys[i],
                     ids->ino[i]);
    }
  ni += snprintf(info + ni, sizeof info - (size_t)ni, "\n}\n");
  nl += snprintf(line + nl, sizeof line - (size_t)nl, " }\n");
  if (cfg->info_fd >= 0 && !cfg->info_written &&
      (write_all(cfg->info_fd, info, (size_t)ni) < 0 || close(cfg->info_fd) < 0))
    die_errno("Can't write to --info-fd %d", cfg->info_fd);
  if (cfg->json_status_fd >= 0 && write_all(cfg->json_status_fd, line, (size_t)nl) < 0)
    die_errno("Can't write to --json-status-fd %d", cfg->json_status_fd);
}

void report_namespaces(const struct config *cfg, pid_t child_pid, int proc_fd)
{
  struct namespace_ids ids;

  /* The monitor reports instead, once the command exists (callerns.c). */
  if (cfg->callerns)
    return;
  collect_namespace_ids(cfg, proc_fd, &ids);
  write_namespace_report(cfg, child_pid, &ids);
}

/* A child forked into the pid namespace waits for its parent's go-ahead:
   the parent still has to report the child's pid (--info-fd,
   --json-status-fd), and if that fails nothing may run in the sandbox.
   Returns the pid (0 in the child) and the child's or parent's end. */
static pid_t fork_held(int *go_fd)
{
  int go[2];
  pid_t pid;

  if (pipe2(go, O_CLOEXEC) < 0)
    die_errno("pipe2");
  pid = fork();
  if (pid < 0)
    die_errno("Can't fork into the pid namespace");
  close(go[pid == 0 ? 1 : 0]);
  *go_fd = go[pid == 0 ? 0 : 1];
  return pid;
}

static void release_held_child(int go_fd)
{
  if (write_all(go_fd, "g", 1) < 0)
    die_errno("Can't start the sandbox's pid 1");
  close(go_fd);
}

/* End of file: the parent failed (and said so); leave without a word. */
static void wait_until_released(int go_fd)
{
  char byte;

  if (RETRY_EINTR(read(go_fd, &byte, 1)) != 1)
    _exit(1);
  close(go_fd);
}

/* --pidns with --unshare-pid: a pid namespace can only be created from
   inside the joined one, so a small waiter lives there, unshares, forks the
   sandbox's pid 1, reports, and then only waits for it and passes its status
   on (the monitor, in another pid namespace, cannot adopt it). */
static void run_nested_pid_waiter(const struct config *cfg, int proc_fd)
{
  char self[32];
  ssize_t n;
  int status;
  pid_t child;
  int go_fd;

  if (unshare(CLONE_NEWPID) < 0)
    die_errno("Can't create a pid namespace inside --pidns %d", cfg->pidns_fd);
  n = readlinkat(proc_fd, "self", self, sizeof self - 1);
  if (n <= 0)
    die_errno("Can't read our pid");
  self[n] = '\0';
  child = fork_held(&go_fd);
  if (child == 0)
    {
      wait_until_released(go_fd);
      if (cfg->info_fd >= 0)
        close(cfg->info_fd);
      if (cfg->die_with_parent)
        die_with_parent_now(0);
      return;
    }
  report_namespaces(cfg, (pid_t)atoi(self), proc_fd);
  release_held_child(go_fd);
  close_fds_except(NULL, 0);
  drop_every_capability();
  if (cfg->forward_signals)
    forward_signals_to(child, true);
  release_held_signals();
  if (RETRY_EINTR(waitpid(child, &status, 0)) < 0)
    _exit(1);
  _exit(exit_status_of(status));
}

/* A new pid namespace only applies to children: fork the future pid 1, tell
   the monitor (a subreaper) to wait for it instead, and leave. */
void enter_pid_namespace(struct config *cfg, int report_fd, int proc_fd)
{
  bool nested = cfg->pidns_fd >= 0 && cfg->unshare_pid;
  int self_fd = -1, monitor_fd = -1;
  pid_t pid;
  int go_fd;

  if (cfg->pidns_fd >= 0 && setns(cfg->pidns_fd, CLONE_NEWPID) < 0)
    die_errno("Can't join the pid namespace of --pidns %d", cfg->pidns_fd);
  if (cfg->unshare_pid && !nested && unshare(CLONE_NEWPID) < 0)
    die_errno("Can't create a pid namespace");
  if (cfg->die_with_parent)
    {
      self_fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
      monitor_fd = (int)syscall(SYS_pidfd_open, getppid(), 0);
      if (self_fd < 0 || monitor_fd < 0)
        die_errno("pidfd_open");
    }
  pid = fork_held(&go_fd);
  if (pid > 0)
    {
      /* pid_for_children has an inode only once the child exists. */
      if (!nested)
        report_namespaces(cfg, pid, proc_fd);
      send_report(report_fd, REPORT_MAIN_PID, pid);
      release_held_child(go_fd);
      drop_every_capability();
      _exit(0);
    }
  wait_until_released(go_fd);
  /* Our parent writes --info-fd; our copy must not keep its reader waiting. */
  if (cfg->info_fd >= 0 && !nested)
    close(cfg->info_fd);
  if (cfg->die_with_parent)
    {
      /* A death signal set now would fire when our parent hands us over to
         the monitor; set it once that has happened, then check the monitor. */
      process_has_exited(self_fd, -1);
      if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        die_errno("prctl(PR_SET_PDEATHSIG)");
      if (process_has_exited(monitor_fd, 0))
        _exit(1);
      close(self_fd);
      close(monitor_fd);
    }
  if (nested)
    run_nested_pid_waiter(cfg, proc_fd);
}

static bool limits_user_namespaces(const struct config *cfg)
{
  return uses_user_namespace(cfg) && !cfg->callerns &&
         (cfg->mode == MODE_SETUID || cfg->disable_userns);
}

void open_userns_files(const struct config *cfg, struct userns_files *f)
{
  f->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (f->proc_fd < 0)
    die_errno("Can't open /proc");
  f->limit_fd = -1;
  if (limits_user_namespaces(cfg))
    {
      f->limit_fd = openat(f->proc_fd, "sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
      if (f->limit_fd < 0)
        die_errno("Can't open /proc/sys/user/max_user_namespaces");
    }
}

static int open_own_map(int proc_fd, const char *name)
{
  int fd = openat(proc_fd, name, O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    die_errno("Can't open /proc/%s", name);
  return fd;
}

static void write_map(int fd, const char *name, const char *content)
{
  if (write_all(fd, content, strlen(content)) < 0)
    die_errno("Can't write /proc/%s", name);
  close(fd);
}

/* The payload's ids: a nested user namespace maps them onto id 0 of ours
   (the caller outside). Our own namespace is then limited to this one child,
   so the payload can never create a user namespace of its own. */
void enter_final_user_namespace(const struct config *cfg, struct userns_files *f)
{
  /* With --userns the caller's own number means nothing in the joined
     namespace: keep the current ids unless --uid/--gid say otherwise. */
  bool joined = cfg->userns_fd >= 0;
  uid_t outer_uid = geteuid(), uid = cfg->uid_set ? cfg->sandbox_uid : joined ? outer_uid : cfg->caller_uid;
  gid_t outer_gid = getegid(), gid = cfg->gid_set ? cfg->sandbox_gid : joined ? outer_gid : cfg->caller_gid;
  /* A limit set in the payload's own namespace could be raised by a payload
     holding capabilities there (--uid 0 --cap-add ALL): when foil limits
     user namespaces, the payload always gets a nested one below the limit. */
  bool nested = cfg->userns2_fd < 0 && (uid != outer_uid || gid != outer_gid || f->limit_fd >= 0);
  char map[64];
  int setgroups_fd, uid_fd, gid_fd;

  if (f->limit_fd >= 0)
    {
      if (write_all(f->limit_fd, "1", 1) < 0)
        die_errno("Can't limit user namespaces in the sandbox");
      close(f->limit_fd);
    }
  if (cfg->userns2_fd >= 0)
    {
      if (setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
        die_errno("Can't join the user namespace of --userns2 %d", cfg->userns2_fd);
      if ((cfg->gid_set && setresgid(gid, gid, gid) < 0) || (cfg->uid_set && setresuid(uid, uid, uid) < 0))
        die_errno("Can't switch to uid %u gid %u in the sandbox", (unsigned)uid, (unsigned)gid);
      return;
    }
  if (!nested)
    return;
  if (unshare(CLONE_NEWUSER) < 0)
    {
      /* A host that refuses user namespaces without CAP_SYS_ADMIN in the
         initial one (setuid mode then maps the caller's ids onto
         themselves) refuses them to the payload too: the limit the nested
         namespace guards is moot, and no id needs changing. */
      if (errno == EPERM && cfg->mode == MODE_SETUID && uid == outer_uid && gid == outer_gid)
        return;
      if (errno == EPERM && cfg->mode == MODE_SETUID && (cfg->uid_set || cfg->gid_set))
        die("--uid and --gid other than the caller's need a nested user namespace, which this host "
            "forbids to unprivileged processes (kernel.unprivileged_userns_clone=0) even in setuid mode");
      die_errno("Can't create the sandbox's inner user namespace");
    }
  /* Our /proc files belong to root while we are not dumpable; open our own
     map files in a short dumpable window. The caller cannot use it: ptrace
     into a user namespace needs CAP_SYS_PTRACE over it, and in setuid mode
     this namespace descends from one owned by root. */
  if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  setgroups_fd = open_own_map(f->proc_fd, "self/setgroups");
  uid_fd = open_own_map(f->proc_fd, "self/uid_map");
  gid_fd = open_own_map(f->proc_fd, "self/gid_map");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  write_map(setgroups_fd, "self/setgroups", "deny");
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)outer_gid);
  write_map(gid_fd, "self/gid_map", map);
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)outer_uid);
  write_map(uid_fd, "self/uid_map", map);
  if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
    die_errno("Can't switch to uid %u gid %u in the sandbox", (unsigned)uid, (unsigned)gid);
}
