/* privileged.c: everything foil does with the power of a setuid-root binary.
 *
 * main() calls priv_start() before anything else, so every line that runs
 * with euid 0 is in this file. In setuid mode it (1) sets fsuid/fsgid to the
 * caller, before any argument is looked at, (2) clones a child into a new
 * user namespace, which is owned by root because euid is 0, (3) writes that
 * child's uid/gid maps, mapping only the caller's ids, and opens its user
 * namespace, and (4) drops every uid, gid and capability for good, except
 * that the monitor keeps CAP_SYS_ADMIN, CAP_SYS_CHROOT and CAP_SETPCAP in
 * its permitted set (none effective) until it either (5) joins the
 * namespaces the setup process hands it, once each is checked to be owned
 * by that user namespace (priv_join()), or learns it will not
 * (priv_drop()); either drops them for good. From then on no process of
 * foil holds any privilege in the initial user namespace, and the caller
 * holds none in the sandbox's. Nothing here parses an argument: at most
 * argv[0] is kept for messages and a lone --help or --version is recognised
 * (and answered by the caller after the drop).
 * The same functions serve user-namespace and root mode, where nothing is
 * privileged; there the command line is parsed before the spawn.
 */
#include "privileged.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* The raw capability syscalls. foil's other files use them too (lockdown.c):
   the one copy lives here, because privileged.c must depend on nothing of
   foil's but utils.c, so that it can be read on its own. With euid 0 they
   only read our own sets (identify()) or clear them
   (drop_privileges()). */
int cap_sets_get(struct cap_sets *sets)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];

  if (syscall(SYS_capget, &hdr, d) < 0)
    return -1;
  sets->permitted = d[0].permitted | ((uint64_t)d[1].permitted << 32);
  sets->effective = d[0].effective | ((uint64_t)d[1].effective << 32);
  sets->inheritable = d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
  return 0;
}

/* Permitted and effective sets as given, the inheritable set empty. */
static int cap_sets_set(uint64_t permitted, uint64_t effective)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];

  for (int i = 0; i < 2; i++)
    {
      d[i].permitted = (uint32_t)(permitted >> (32 * i));
      d[i].effective = (uint32_t)(effective >> (32 * i));
      d[i].inheritable = 0;
    }
  return (int)syscall(SYS_capset, &hdr, d);
}

int cap_sets_set_all(uint64_t caps)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];

  for (int i = 0; i < 2; i++)
    d[i].effective = d[i].permitted = d[i].inheritable = (uint32_t)(caps >> (32 * i));
  return (int)syscall(SYS_capset, &hdr, d);
}

static enum run_mode detect_mode(uid_t *caller_uid, gid_t *caller_gid)
{
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;

  /* Safe: only reads our own ids. */
  if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0)
    die_errno("getresuid");
  *caller_uid = ruid;
  *caller_gid = rgid;
  if (ruid == 0 && euid == 0)
    return MODE_ROOT;
  if (euid != 0)
    return MODE_USERNS;
  /* Safe: only lowers the identity used for file access to the caller's. */
  setfsuid(ruid);
  setfsgid(rgid);
  if ((uid_t)setfsuid((uid_t)-1) != ruid || (gid_t)setfsgid((gid_t)-1) != rgid)
    die("Unable to set fsuid to the caller");
  return MODE_SETUID;
}

/* What the monitor keeps in setuid mode, in its permitted set only, until
   it knows whether the command runs in the caller's user namespace: setns()
   needs CAP_SYS_ADMIN in the monitor's own user namespace (the initial one)
   for every type, and CAP_SYS_CHROOT too for a mount namespace; CAP_SETPCAP
   lets it empty its bounding set when it lets them go. */
#define JOIN_CAPS ((1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_SYS_CHROOT) | (1ULL << CAP_SETPCAP))

/* Irreversibly become the caller: every uid and gid, and no capability in
   any set but KEEP (0, or JOIN_CAPS for the monitor) in the permitted and
   bounding sets, none effective: with KEEP, no syscall the monitor makes
   uses a capability until priv_join() raises them, right before setns(),
   after checking every namespace it was handed. BOUNDING: the capabilities
   that may still be in the bounding set (the others are not asked again). */
static void drop_privileges(uid_t uid, gid_t gid, uint64_t keep, uint64_t bounding)
{
  uid_t r, e, s;
  gid_t rg, eg, sg;
  struct cap_sets caps;

  /* Safe: each call only removes power. The bounding set goes first, while
     CAP_SETPCAP is still effective. KEEPCAPS only spares the permitted set
     from the uid change; it is reduced to KEEP right after. */
  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if ((bounding & ~keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
        errno != EINVAL)
      die_errno("Can't drop capability %d from the bounding set", cap);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    die_errno("Can't clear ambient capabilities");
  if (keep != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_KEEPCAPS)");
  if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
    die_errno("Can't switch to the caller's ids");
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 || cap_sets_set(keep, 0) < 0)
    die_errno("Can't clear capabilities");
  /* Check the result instead of trusting it (the lesson of CVE-2020-5291). */
  if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 || cap_sets_get(&caps) < 0)
    die_errno("Can't verify the privilege drop");
  if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid ||
      (uid_t)setfsuid((uid_t)-1) != uid || caps.permitted != keep || caps.effective != 0 ||
      caps.inheritable != 0)
    die("Privileges were not dropped completely");
  if (setuid(0) == 0)
    die("Privileges can be regained after dropping them");
}

/* Whether this host forbids user namespaces to processes without
   CAP_SYS_ADMIN in the initial one (Debian's kernel.unprivileged_userns_clone
   set to 0). There, no process in the sandbox's namespace may create another,
   so in setuid mode the caller's ids are mapped onto themselves: the payload
   then needs no nested namespace of its own (see enter_final_user_namespace).
   Reads a fixed, world-readable path with the caller's fsuid. */
static bool identity_maps(enum run_mode mode)
{
  char c = '1';
  int fd;

  if (mode != MODE_SETUID)
    return false;
  fd = open("/proc/sys/kernel/unprivileged_userns_clone", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;   /* not a Debian kernel: nothing forbids it this way */
  if (read(fd, &c, 1) != 1)
    c = '1';
  close(fd);
  return c == '0';
}

/* Write /proc/PID/{setgroups,gid_map,uid_map} of the child: "0 <caller> 1",
   or "<caller> <caller> 1" with IDENTITY. With USERNS_FD (setuid mode), also
   open the child's ns/user: the new user namespace, which the monitor later
   accepts as the only owner of the namespaces it joins (priv_join()).
   In setuid mode the child is not dumpable, so its /proc files belong to root
   and only root's fsuid can open them; fsuid is root's for these opens only. */
static int write_child_maps(enum run_mode mode, pid_t child, uid_t uid, gid_t gid, bool identity,
                            int *userns_fd)
{
  char dir[64], uid_map[64], gid_map[64];
  struct statfs sfs;
  int dfd, rc = -1;

  snprintf(dir, sizeof dir, "/proc/%d", (int)child);
  snprintf(uid_map, sizeof uid_map, "%u %u 1\n", identity ? (unsigned)uid : 0, (unsigned)uid);
  snprintf(gid_map, sizeof gid_map, "%u %u 1\n", identity ? (unsigned)gid : 0, (unsigned)gid);
  if (mode == MODE_SETUID)
    {
      /* Safe: the fixed path names our own child's /proc entry; checked to be
         procfs below; nothing the caller names is opened while fsuid is 0. */
      setfsuid(0);
      setfsgid(0);
    }
  dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd >= 0 && fstatfs(dfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
      write_file_at(dfd, "setgroups", "deny") == 0 &&
      write_file_at(dfd, "gid_map", gid_map) == 0 &&
      write_file_at(dfd, "uid_map", uid_map) == 0)
    rc = 0;
  /* Safe: the same checked directory of our own child, opened read-only.
     The child still waits for its go-ahead, so this is the namespace it was
     cloned into. */
  if (rc == 0 && userns_fd != NULL)
    {
      *userns_fd = openat(dfd, "ns/user", O_RDONLY | O_CLOEXEC);
      if (*userns_fd < 0)
        rc = -1;
    }
  if (mode == MODE_SETUID)
    {
      int saved = errno;
      setfsuid(uid);
      setfsgid(gid);
      errno = saved;
    }
  if (dfd >= 0)
    close(dfd);
  return rc;
}

static void die_clone_failed(void)
{
  if (errno == EPERM || errno == EACCES)
    die_errno("No permissions to create a new user namespace (unprivileged user namespaces may be "
              "disabled; install foil setuid root)");
  if (errno == ENOSPC || errno == EUSERS)
    die_errno("Creating a new user namespace failed: the namespace limit was reached");
  if (errno == EINVAL)
    die_errno("Creating a new user namespace failed: the kernel has no user namespace support");
  die_errno("Creating a new user namespace failed");
}

/* Whether the ids this process holds are mapped in its user namespace.
   Unmapped ids read as the overflow id (65534), which can also be a mapped
   id (nobody's own): ask the kernel instead, which refuses with EINVAL to
   set an unmapped id, even the one already held. Sets nothing new. */
static bool own_ids_mapped(void)
{
  return setresuid((uid_t)-1, geteuid(), (uid_t)-1) == 0 &&
         setresgid((gid_t)-1, getegid(), (gid_t)-1) == 0;
}

/* In the child: become id 0 of the new namespace (the caller outside), or
   the caller's own ids with identity maps; the capabilities of the namespace
   stay either way (with identity maps the ns has no id 0 whose loss would
   clear them). With maps written by someone else (--userns-block-fd), 0 may
   be unmapped: then keep the mapped ids. */
static void become_namespace_root(int go_fd, bool own_maps, bool identity, uid_t uid, gid_t gid)
{
  char byte;
  uid_t u = identity ? uid : 0;
  gid_t g = identity ? gid : 0;

  if (RETRY_EINTR(read(go_fd, &byte, 1)) != 1)
    _exit(1);   /* the parent failed and has reported it */
  close(go_fd);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  if (setresgid(g, g, g) == 0 && setresuid(u, u, u) == 0)
    return;
  if (own_maps || errno != EINVAL || !own_ids_mapped())
    die_errno("Can't become root of the sandbox's user namespace (are its maps written?)");
}

pid_t priv_spawn_in_user_namespace(const struct priv_start *st, bool write_maps,
                                   int close_in_child, int *go_fd, int *userns_fd)
{
  int go[2];
  pid_t pid;
  bool identity = write_maps && identity_maps(st->mode);

  /* Safe: a pipe between us and the child we are about to create. */
  if (pipe2(go, O_CLOEXEC) < 0)
    die_errno("pipe2");
  /* With euid 0 (setuid mode) the new user namespace is owned by root: the
     caller gets no capability in it and cannot ptrace or setns into it.
     In setuid mode spawn_cgroup_fd is -1 (the monitor makes a cgroup only
     after the drop), so this is a plain clone. */
  pid = spawn_clone(CLONE_NEWUSER | SIGCHLD, st->spawn_cgroup_fd);
  if (pid < 0)
    die_clone_failed();
  if (pid == 0)
    {
      if (close_in_child >= 0)
        close(close_in_child);
      close(go[1]);
      become_namespace_root(go[0], write_maps, identity, st->caller_uid, st->caller_gid);
      return 0;
    }
  close(go[0]);
  if (write_maps && write_child_maps(st->mode, pid, st->caller_uid, st->caller_gid, identity, userns_fd) < 0)
    {
      int saved = errno;
      /* Safe: our own child, not reaped yet, so the pid is still its. */
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      errno = saved;
      die_errno("Can't write the uid/gid maps of the sandbox");
    }
  if (st->mode == MODE_SETUID)
    drop_privileges(st->caller_uid, st->caller_gid, userns_fd != NULL ? JOIN_CAPS : 0, ~0ULL);
  /* Only narrows who may trace or inspect us. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  /* The child waits for the caller to release it (priv_release_child()):
     in setuid mode that caller holds no privilege any more. */
  *go_fd = go[1];
  return pid;
}

void priv_release_child(int go_fd)
{
  if (write_all(go_fd, "g", 1) < 0)
    die_errno("Can't start the sandbox process");
  close(go_fd);
}

/* foil needs the mount API as of Linux 5.12, whose newest call is
   mount_setattr(): probe for it rather than trust the version number, which
   backports and vendor kernels make meaningless. Any error but ENOSYS (a
   zero-sized attr is EINVAL) means the call exists.
   Safe with euid 0: fd -1 and an empty path name nothing to act on. */
static void check_kernel_features(void)
{
  if (syscall(SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno == ENOSYS)
    die("This kernel lacks mount_setattr(), part of the mount API foil needs (Linux 5.12 or later)");
}

/* A lone --help or --version is answered before anything is set up (so that
   it works where namespaces do not); the caller prints it once privileges
   are gone. */
static enum priv_request lone_request(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "--version") == 0)
    return PRIV_VERSION;
  if (argc == 2 && strcmp(argv[1], "--help") == 0)
    return PRIV_HELP;
  return PRIV_RUN;
}

static void identify(int argc, char **argv, struct priv_start *st)
{
  struct cap_sets caps;

  memset(st, 0, sizeof *st);
  st->owner_userns_fd = -1;
  st->spawn_cgroup_fd = -1;
  st->join[0] = st->join[1] = -1;
  st->caller_pid = getppid();
  /* Taken before the fork: the setup process's getppid() would already name
     whoever adopted it if the monitor had died. */
  st->monitor_pid = getpid();
  st->child = -1;
  st->report[0] = st->report[1] = -1;
  /* Safe: only keeps a pointer to argv[0], for messages. */
  set_prog_name(argv[0]);
  st->mode = detect_mode(&st->caller_uid, &st->caller_gid);
  st->request = lone_request(argc, argv);
  if (st->request != PRIV_RUN)
    return;
  check_kernel_features();
  /* Safe: resets a disposition of our own, so that waitpid() works. */
  signal(SIGCHLD, SIG_DFL);
  /* Safe: capget only reads our own sets. */
  if (cap_sets_get(&caps) < 0)
    die_errno("capget");
  st->caller_caps = caps.permitted;
  /* File capabilities instead of the setuid bit: a setup foil does not support. */
  if (st->mode == MODE_USERNS && st->caller_caps != 0)
    die("Unexpected capabilities but not setuid, old file caps config?");
}

void priv_prepare_spawn(struct priv_start *st, bool hold_signals)
{
  static const int held[] = { FORWARDED_SIGNALS };
  sigset_t set;

  /* Safe: a pipe between this process and its own child. */
  if (pipe2(st->report, O_CLOEXEC) < 0)
    die_errno("pipe2");
  /* The monitor adopts the pid-namespace init when its parent hands it over.
     Safe: it only makes our own descendants ours to wait for. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_CHILD_SUBREAPER)");
  /* Until the monitor and the sandbox's pid 1 know where to forward them,
     the signals --forward-signals forwards stay pending (see monitor.c).
     Safe: changes only our own signal mask. */
  sigemptyset(&set);
  for (size_t i = 0; hold_signals && i < sizeof held / sizeof held[0]; i++)
    sigaddset(&set, held[i]);
  if (sigprocmask(SIG_BLOCK, &set, &st->caller_sigmask) < 0)
    die_errno("sigprocmask");
}

void priv_start(int argc, char **argv, struct priv_start *st)
{
  int go_fd;

  identify(argc, argv, st);
  if (st->mode != MODE_SETUID)
    return;
  if (st->request != PRIV_RUN)
    {
      drop_privileges(st->caller_uid, st->caller_gid, 0, ~0ULL);
      return;
    }
  /* Setuid mode learns --forward-signals only from the setup process. */
  priv_prepare_spawn(st, true);
  /* Safe: a socket between this process and the child about to be
     created, over which the monitor may receive the sandbox's namespaces
     (priv_join()). */
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st->join) < 0)
    die_errno("socketpair");
  st->child = priv_spawn_in_user_namespace(st, true, -1, &go_fd, &st->owner_userns_fd);
  if (st->child > 0)
    {
      /* Safe: only reads the identity of the namespace just opened. */
      if (fstat(st->owner_userns_fd, &st->owner) < 0)
        die_errno("Can't identify the sandbox's user namespace");
      st->join_caps = true;
      priv_release_child(go_fd);
    }
}

/* The type of namespace FD if the user namespace that owns it is OWNER
   (the one priv_start() cloned the setup process into), else -1. Only
   asks the kernel about the fd: fstatfs() first, so that no ioctl reaches
   anything but an nsfs file. */
static int owned_namespace_type(int fd, const struct stat *owner)
{
  struct statfs sfs;
  struct stat st;
  int type, owner_fd;
  bool owned;

  if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC)
    return -1;
  type = ioctl(fd, NS_GET_NSTYPE);
  if (type != CLONE_NEWNS && type != CLONE_NEWPID && type != CLONE_NEWIPC &&
      type != CLONE_NEWUTS && type != CLONE_NEWNET && type != CLONE_NEWCGROUP)
    return -1;
  owner_fd = ioctl(fd, NS_GET_USERNS);
  if (owner_fd < 0)
    return -1;
  owned = fstat(owner_fd, &st) == 0 && st.st_dev == owner->st_dev && st.st_ino == owner->st_ino;
  close(owner_fd);
  return owned ? type : -1;
}

/* No signal handler may run while a capability is effective. */
static void block_signals(sigset_t *old)
{
  sigset_t all;

  sigfillset(&all);
  if (sigprocmask(SIG_SETMASK, &all, old) < 0)
    die_errno("sigprocmask");
}

static void unblock_signals(const sigset_t *old)
{
  if (sigprocmask(SIG_SETMASK, old, NULL) < 0)
    die_errno("sigprocmask");
}

/* Give up the kept capabilities for good (signals blocked): CAP_SETPCAP
   alone is raised, which emptying the bounding set needs. */
static void drop_join_caps(struct priv_start *st)
{
  /* Safe: CAP_SETPCAP is raised only to give up every capability at once. */
  if (cap_sets_set(JOIN_CAPS, 1ULL << CAP_SETPCAP) < 0)
    die_errno("Can't raise CAP_SETPCAP to drop capabilities");
  drop_privileges(st->caller_uid, st->caller_gid, 0, JOIN_CAPS);
  close(st->owner_userns_fd);
  st->owner_userns_fd = -1;
  st->join_caps = false;
}

void priv_drop(struct priv_start *st)
{
  sigset_t old;

  if (!st->join_caps)
    return;
  block_signals(&old);
  drop_join_caps(st);
  unblock_signals(&old);
}

int priv_check_namespaces(const struct stat *owner, const int *fds, size_t n, int *types)
{
  int seen = 0;

  if (n > JOIN_MAX_FDS)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      types[i] = owned_namespace_type(fds[i], owner);
      if (types[i] < 0 || (seen & types[i]))
        return -1;
      seen |= types[i];
    }
  return (seen & CLONE_NEWNS) ? 0 : -1;
}

void priv_join(struct priv_start *st, const int *fds, size_t n)
{
  int types[JOIN_MAX_FDS];
  sigset_t old;

  if (!st->join_caps)
    die("The sandbox's namespaces can't be joined now");
  /* Nothing is used here but the fds' identity: a setup process the caller
     took over can only hand us namespaces that foil's own user namespace
     owns (the caller has no power there), each type once, a mount
     namespace among them. The identity was taken when the namespace was
     opened; the fd kept open since pins it (an inode number is reused only
     once its namespace is gone). */
  if (priv_check_namespaces(&st->owner, fds, n, types) < 0)
    die("The sandbox handed over a namespace that is not one of its own");
  block_signals(&old);
  /* Safe: raised only for the setns() calls right below, on the namespaces
     just checked; the mount namespace goes last, since it moves our root. */
  if (cap_sets_set(JOIN_CAPS, JOIN_CAPS) < 0)
    die_errno("Can't raise capabilities to join the sandbox");
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      if ((types[i] == CLONE_NEWNS) == (pass == 1) && setns(fds[i], types[i]) < 0)
        die_errno("Can't join the sandbox's namespaces");
  drop_join_caps(st);
  unblock_signals(&old);
}
