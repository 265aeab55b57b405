/* foil-probe: runs inside the sandbox and reports what it sees.
 *
 * Built statically so that a sandbox only needs this one file bound in.
 * Usage: foil-probe CMD [ARGS...] [+ CMD [ARGS...]]...
 * Every command prints "name: result" lines that the integration suite
 * matches line by line; errors are printed by errno name, never fatal,
 * so one run can report several attempts.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *own_argv0;

static const char *err_name(int e)
{
  const char *n = strerrorname_np(e);
  return n ? n : "E?";
}

static void report(const char *what, const char *arg, int rc)
{
  if (rc == 0)
    printf("%s %s: ok\n", what, arg);
  else
    printf("%s %s: %s\n", what, arg, err_name(errno));
}

/* Capabilities are read with syscalls so that no /proc is needed. */
static void print_caps(void)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  uint64_t bnd = 0, amb = 0;

  memset(data, 0, sizeof data);
  if (syscall(SYS_capget, &hdr, data) != 0)
    {
      printf("caps: %s\n", err_name(errno));
      return;
    }
  for (int cap = 0; cap < 64; cap++)
    {
      if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
        bnd |= 1ULL << cap;
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1)
        amb |= 1ULL << cap;
    }
  printf("capinh: %016llx\n",
         (unsigned long long)data[0].inheritable | (unsigned long long)data[1].inheritable << 32);
  printf("capprm: %016llx\n",
         (unsigned long long)data[0].permitted | (unsigned long long)data[1].permitted << 32);
  printf("capeff: %016llx\n",
         (unsigned long long)data[0].effective | (unsigned long long)data[1].effective << 32);
  printf("capbnd: %016llx\n", (unsigned long long)bnd);
  printf("capamb: %016llx\n", (unsigned long long)amb);
}

static void print_fds(void)
{
  printf("fds:");
  for (int fd = 0; fd < 4096; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      printf(" %d", fd);
  printf("\n");
}

static void print_ns(void)
{
  static const char *const names[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    {
      char path[64];
      struct stat st;
      snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
      if (stat(path, &st) == 0)
        printf("ns %s: %llu\n", names[i], (unsigned long long)st.st_ino);
      else
        printf("ns %s: %s\n", names[i], err_name(errno));
    }
}

static void cmd_status(void)
{
  char cwd[4096];
  char host[256];

  printf("uid: %d\n", (int)getuid());
  printf("euid: %d\n", (int)geteuid());
  printf("gid: %d\n", (int)getgid());
  printf("egid: %d\n", (int)getegid());
  printf("pid: %d\n", (int)getpid());
  printf("sid: %d\n", (int)getsid(0));
  printf("nnp: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  printf("dumpable: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  struct sigaction pipe_action;
  if (sigaction(SIGPIPE, NULL, &pipe_action) == 0)
    printf("sigpipe: %s\n", pipe_action.sa_handler == SIG_IGN ? "ignored" : "default");
  if (getcwd(cwd, sizeof cwd))
    printf("cwd: %s\n", cwd);
  else
    printf("cwd: %s\n", err_name(errno));
  if (gethostname(host, sizeof host) == 0)
    printf("hostname: %s\n", host);
  print_caps();
  print_fds();
  print_ns();
}

static void cmd_env(void)
{
  for (char **e = environ; *e; e++)
    printf("env: %s\n", *e);
  printf("env-end\n");
}

static void cmd_write(const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      report("write", path, -1);
      return;
    }
  ssize_t n = write(fd, "written-by-probe\n", 17);
  int saved = errno;
  close(fd);
  errno = saved;
  report("write", path, n == 17 ? 0 : -1);
}

/* Writes TEXT to an existing file, as "echo TEXT > PATH" would (sysctls). */
static void cmd_put(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen(text);
  ssize_t n = fd < 0 ? -1 : write(fd, text, len);
  int saved = errno;
  if (fd >= 0)
    close(fd);
  errno = saved;
  report("put", path, n == (ssize_t)len ? 0 : -1);
}

static void cmd_read(const char *path)
{
  char buf[4096];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      report("read", path, -1);
      return;
    }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n < 0)
    {
      report("read", path, -1);
      close(fd);
      return;
    }
  close(fd);
  buf[n] = 0;
  char *nl = strchr(buf, '\n');
  if (nl)
    *nl = 0;
  printf("read %s: ok %s\n", path, buf);
}

static void cmd_stat(const char *path)
{
  struct stat st;
  struct statfs sf;
  if (lstat(path, &st) != 0)
    {
      report("stat", path, -1);
      return;
    }
  const char *type = S_ISDIR(st.st_mode)    ? "dir"
                     : S_ISREG(st.st_mode)  ? "file"
                     : S_ISLNK(st.st_mode)  ? "symlink"
                     : S_ISCHR(st.st_mode)  ? "chr"
                     : S_ISBLK(st.st_mode)  ? "blk"
                     : S_ISFIFO(st.st_mode) ? "fifo"
                                            : "other";
  unsigned long magic = statfs(path, &sf) == 0 ? (unsigned long)sf.f_type : 0;
  printf("stat %s: %s %04o fs=%lx uid=%d\n", path, type, (unsigned)(st.st_mode & 07777), magic,
         (int)st.st_uid);
}

static void cmd_readlink(const char *path)
{
  char buf[4096];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0)
    {
      report("readlink", path, -1);
      return;
    }
  buf[n] = 0;
  printf("readlink %s: ok %s\n", path, buf);
}

static void cmd_uname(void)
{
  struct utsname u;
  report("uname", "-", (int)syscall(SYS_uname, &u));
}

static void cmd_tiocsti(void)
{
  char c = 'X';
  report("tiocsti", "0", ioctl(0, TIOCSTI, &c));
}

/* Writes a one-line file in /proc/self; used after unshare(CLONE_NEWUSER). */
static int write_proc(const char *file, const char *text)
{
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Enters a nested user namespace with uid/gid 0 mapped to the current ids,
 * which gives every capability inside it; returns 0 on success. */
static int become_nested_root(int extra_flags)
{
  char map[64];
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | extra_flags) != 0)
    return -1;
  write_proc("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "0 %d 1", (int)uid);
  if (write_proc("/proc/self/uid_map", map) != 0)
    return -1;
  snprintf(map, sizeof map, "0 %d 1", (int)gid);
  if (write_proc("/proc/self/gid_map", map) != 0)
    return -1;
  return 0;
}

static void cmd_unshare_user(void)
{
  pid_t pid = fork();
  if (pid == 0)
    {
      int rc = unshare(CLONE_NEWUSER);
      report("unshare-user", "-", rc);
      fflush(stdout);
      _exit(0);
    }
  waitpid(pid, NULL, 0);
}

/* Tries to make PATH writable again from inside, then writes to it. */
static void cmd_remount_rw(const char *path, const char *file)
{
  report("remount-rw", path, mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    {
      if (become_nested_root(CLONE_NEWNS) == 0)
        {
          report("remount-rw-nested", path, mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL));
          report("umount-nested", path, umount2(path, MNT_DETACH));
        }
      else
        {
          report("nested-userns", "-", -1);
        }
      cmd_write(file);
      fflush(stdout);
      _exit(0);
    }
  waitpid(pid, NULL, 0);
}

static int read_marker(const char *how, const char *path, const char *marker)
{
  char buf[256];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = 0;
  if (strstr(buf, marker))
    {
      printf("escape: REACHED via %s (%s)\n", how, path);
      return 1;
    }
  return 0;
}

static void climb_and_read(const char *how, const char *rel, const char *marker)
{
  for (int i = 0; i < 64; i++)
    if (chdir("..") != 0)
      break;
  read_marker(how, rel, marker);
}

static int hexval(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* open_by_handle_at with a handle taken on the host: needs CAP_DAC_READ_SEARCH
 * in the initial user namespace. */
static void try_handle(const char *hex, int type, const char *mountdir, const char *marker)
{
  size_t len = strlen(hex) / 2;
  struct file_handle *fh = calloc(1, sizeof *fh + len + 1);
  if (!fh)
    return;
  fh->handle_bytes = (unsigned)len;
  fh->handle_type = type;
  for (size_t i = 0; i < len; i++)
    fh->f_handle[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
  int mfd = open(mountdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = mfd >= 0 ? open_by_handle_at(mfd, fh, O_RDONLY) : -1;
  if (fd >= 0)
    {
      char buf[256];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      if (n > 0)
        {
          buf[n] = 0;
          if (strstr(buf, marker))
            printf("escape: REACHED via open_by_handle_at\n");
        }
      close(fd);
    }
  else
    {
      printf("escape handle: %s\n", err_name(errno));
    }
  if (mfd >= 0)
    close(mfd);
  free(fh);
}

/* Escape attempts from inside, each in a child so that a chroot or a new
 * namespace of one attempt does not affect the next. ABS is the marker's
 * host path, MARKER its content, SCRATCH a writable dir in the sandbox. */
static void cmd_escape(const char *abs, const char *marker, const char *hex, const char *htype,
                       const char *mountdir, const char *scratch)
{
  char path[4096];
  const char *rel = abs + 1;

  read_marker("absolute path", abs, marker);
  snprintf(path, sizeof path, "/proc/1/root%s", abs);
  read_marker("/proc/1/root", path, marker);
  snprintf(path, sizeof path, "/proc/self/root%s", abs);
  read_marker("/proc/self/root", path, marker);
  for (int pid = 1; pid < 64; pid++)
    {
      snprintf(path, sizeof path, "/proc/%d/root%s", pid, abs);
      read_marker("/proc/PID/root", path, marker);
      snprintf(path, sizeof path, "/proc/%d/cwd", pid);
      char link[4096];
      ssize_t n = readlink(path, link, sizeof link - 1);
      if (n > 0)
        {
          link[n] = 0;
          if (strstr(link, "(unreachable)"))
            printf("escape: REACHED unreachable cwd of pid %d: %s\n", pid, link);
        }
    }
  fflush(stdout);

  if (fork() == 0)
    { /* cwd climbing */
      climb_and_read("chdir(..)", rel, marker);
      fflush(stdout);
      _exit(0);
    }
  wait(NULL);

  if (fork() == 0)
    { /* classic chroot escape, with and without a nested userns */
      for (int round = 0; round < 2; round++)
        {
          if (round == 1 && become_nested_root(CLONE_NEWNS) != 0)
            break;
          snprintf(path, sizeof path, "%s/jail%d", scratch, round);
          mkdir(path, 0755);
          if (chroot(path) == 0)
            {
              printf("escape chroot: entered jail %d\n", round);
              climb_and_read("chroot+chdir(..)", rel, marker);
              if (chroot(".") == 0)
                read_marker("chroot+chdir(..)+chroot(.)", abs, marker);
            }
        }
      fflush(stdout);
      _exit(0);
    }
  wait(NULL);

  if (fork() == 0)
    { /* mounting: a new procfs, and a bind of "/" */
      if (become_nested_root(CLONE_NEWNS | CLONE_NEWPID) == 0 && fork() == 0)
        {
          snprintf(path, sizeof path, "%s/p", scratch);
          mkdir(path, 0755);
          if (mount("proc", path, "proc", 0, NULL) == 0)
            {
              for (int pid = 1; pid < 64; pid++)
                {
                  char p2[4200];
                  snprintf(p2, sizeof p2, "%s/%d/root%s", path, pid, abs);
                  read_marker("new procfs", p2, marker);
                }
            }
          snprintf(path, sizeof path, "%s/b", scratch);
          mkdir(path, 0755);
          if (mount("/", path, NULL, MS_BIND | MS_REC, NULL) == 0)
            {
              char p2[4200];
              snprintf(p2, sizeof p2, "%s%s", path, abs);
              read_marker("bind of /", p2, marker);
            }
          fflush(stdout);
          _exit(0);
        }
      wait(NULL);
      fflush(stdout);
      _exit(0);
    }
  wait(NULL);

  if (hex && *hex)
    try_handle(hex, atoi(htype), mountdir, marker);
  printf("escape: done\n");
}

/* Walks ".." from the cwd and lists where it ends; reports a host marker. */
static void cmd_cwd_escape(const char *abs, const char *marker)
{
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd))
    printf("cwd: %s\n", cwd);
  else
    printf("cwd: %s\n", err_name(errno));
  climb_and_read("cwd ..", abs + 1, marker);
  printf("cwd-escape: done\n");
}

static void cmd_lo(void)
{
  struct ifreq ifr;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    {
      printf("lo: %s\n", err_name(errno));
      return;
    }
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
    printf("lo up: %d\n", (ifr.ifr_flags & IFF_UP) ? 1 : 0);
  else
    printf("lo up: %s\n", err_name(errno));
  if (ioctl(s, SIOCGIFADDR, &ifr) == 0)
    printf("lo addr: %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr));
  else
    printf("lo addr: %s\n", err_name(errno));
  close(s);
  struct if_nameindex *ifs = if_nameindex();
  printf("interfaces:");
  for (struct if_nameindex *i = ifs; i && i->if_index; i++)
    printf(" %s", i->if_name);
  printf("\n");
  if (ifs)
    if_freenameindex(ifs);
}

static void cmd_statfs(const char *path)
{
  struct statfs sf;
  if (statfs(path, &sf) != 0)
    {
      report("statfs", path, -1);
      return;
    }
  printf("statfs %s: ok size=%llu\n", path, (unsigned long long)sf.f_blocks * (unsigned long long)sf.f_bsize);
}

/* Reads up to 4 KiB from an inherited fd (first line only is printed). */
static void cmd_readfd(const char *num)
{
  char buf[4096];
  ssize_t n = read(atoi(num), buf, sizeof buf - 1);
  if (n < 0)
    {
      report("readfd", num, -1);
      return;
    }
  buf[n] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("readfd %s: ok %s\n", num, buf);
}

/* Reports each forwarded signal as it arrives, until stdin reaches EOF. */
static void cmd_signals(void)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaddset(&set, sigs[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    {
      printf("signals: %s\n", err_name(errno));
      return;
    }
  printf("ready\n");
  fflush(stdout);
  for (;;)
    {
      struct pollfd p[2] = { { 0, POLLIN, 0 }, { sfd, POLLIN, 0 } };
      if (poll(p, 2, -1) < 0)
        continue;
      if (p[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
            printf("signal: %s\n", sigabbrev_np((int)si.ssi_signo));
          fflush(stdout);
        }
      if (p[0].revents)
        {
          char buf[64];
          if (read(0, buf, sizeof buf) <= 0)
            break;
        }
    }
  close(sfd);
}

static void cmd_wait_stdin(void)
{
  char buf[64];
  printf("ready\n");
  fflush(stdout);
  while (read(0, buf, sizeof buf) > 0)
    ;
}

/* The clocks a time namespace may move, and the namespace itself. */
static void cmd_clocks(void)
{
  static const struct { const char *name; clockid_t id; } clocks[] = {
    { "monotonic", CLOCK_MONOTONIC }, { "boottime", CLOCK_BOOTTIME }, { "realtime", CLOCK_REALTIME }
  };
  struct stat st;
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
    {
      struct timespec ts;
      if (clock_gettime(clocks[i].id, &ts) == 0)
        printf("clock %s: %lld.%09ld\n", clocks[i].name, (long long)ts.tv_sec, ts.tv_nsec);
      else
        printf("clock %s: %s\n", clocks[i].name, err_name(errno));
    }
  if (stat("/proc/self/ns/time", &st) == 0)
    printf("ns time: %llu\n", (unsigned long long)st.st_ino);
  else
    printf("ns time: %s\n", err_name(errno));
}

/* Sends SIG to a child of ours, which must die of it. */
static void cmd_signal_child(void)
{
  int status;
  pid_t pid = fork();
  if (pid == 0)
    {
      for (;;)
        pause();
    }
  if (pid < 0 || kill(pid, SIGTERM) != 0)
    {
      printf("signal-child: %s\n", err_name(errno));
      if (pid > 0)
        kill(pid, SIGKILL);
    }
  else if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
    printf("signal-child: ok\n");
  else
    printf("signal-child: not killed\n");
}

/* An abstract unix address: NAME after a NUL byte. */
static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name)
{
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  strncpy(sa->sun_path + 1, name, sizeof sa->sun_path - 2);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sa->sun_path + 1));
}

static void cmd_abstract_connect(const char *name)
{
  struct sockaddr_un sa;
  socklen_t len = abstract_addr(&sa, name);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  report("abstract-connect", name, s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, len));
  if (s >= 0)
    close(s);
}

static void cmd_abstract_send(const char *name)
{
  struct sockaddr_un sa;
  socklen_t len = abstract_addr(&sa, name);
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ssize_t n = s < 0 ? -1 : sendto(s, "x", 1, 0, (struct sockaddr *)&sa, len);
  report("abstract-send", name, n == 1 ? 0 : -1);
  if (s >= 0)
    close(s);
}

/* A listener of our own, and a connection to it. */
static void cmd_abstract_self(const char *name)
{
  struct sockaddr_un sa;
  socklen_t len = abstract_addr(&sa, name);
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int rc = l < 0 || bind(l, (struct sockaddr *)&sa, len) != 0 || listen(l, 1) != 0 ? -1 : 0;
  if (rc == 0)
    {
      int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      rc = c < 0 ? -1 : connect(c, (struct sockaddr *)&sa, len);
      if (c >= 0)
        close(c);
    }
  report("abstract-self", name, rc);
  if (l >= 0)
    close(l);
}

static struct sockaddr_in loopback_port(const char *port)
{
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)atoi(port));
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sin;
}

/* Binds 127.0.0.1:PORT; with LISTEN, listens and keeps the socket open
   until the probe exits. */
static void cmd_tcp_bind(const char *what, const char *port, bool do_listen)
{
  struct sockaddr_in sin = loopback_port(port);
  int one = 1;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int rc = s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
               bind(s, (struct sockaddr *)&sin, sizeof sin) != 0 || (do_listen && listen(s, 4) != 0)
             ? -1
             : 0;
  report(what, port, rc);
  if (s >= 0 && (rc != 0 || !do_listen))
    close(s);
}

static void cmd_tcp_connect(const char *port)
{
  struct sockaddr_in sin = loopback_port(port);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  report("tcp-connect", port, s < 0 ? -1 : connect(s, (struct sockaddr *)&sin, sizeof sin));
  if (s >= 0)
    close(s);
}

/* ---- cgroups: the line of /proc/self/cgroup and payloads for limits ---- */

/* The cgroup v2 line ("0::PATH") of /proc/self/cgroup; on a host that also
   mounts v1 hierarchies it is not the first line. */
static void cmd_cgroup(void)
{
  char line[4096];
  FILE *f = fopen("/proc/self/cgroup", "re");
  if (!f)
    {
      printf("cgroup: %s\n", err_name(errno));
      return;
    }
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "0::", 3))
      {
        line[strcspn(line, "\n")] = 0;
        printf("cgroup: %s\n", line);
        fclose(f);
        return;
      }
  fclose(f);
  printf("cgroup: none\n");
}

/* A daemon as a shell's "cmd &" in a double fork leaves it: its own
   session, reparented, holding none of the probe's fds (so that whoever
   reads the probe's output is not kept waiting for it). Prints its pid. */
static void cmd_daemon(void)
{
  int p[2];
  if (pipe(p) != 0)
    {
      printf("daemon: %s\n", err_name(errno));
      return;
    }
  fflush(stdout);
  pid_t mid = fork();
  if (mid == 0)
    {
      pid_t d = fork();
      if (d == 0)
        {
          setsid();
          for (int fd = 0; fd < 1024; fd++)
            if (fd != p[1])
              close(fd);
          /* Only now may the probe go on: nothing of its output is held. */
          close(p[1]);
          for (;;)
            pause();
        }
      if (write(p[1], &d, sizeof d) != sizeof d)
        _exit(1);
      _exit(0);
    }
  close(p[1]);
  pid_t d = 0;
  char eof;
  if (mid < 0 || read(p[0], &d, sizeof d) != sizeof d || read(p[0], &eof, 1) != 0)
    printf("daemon: failed\n");
  else
    printf("daemon: %d\n", (int)d);
  close(p[0]);
  if (mid > 0)
    waitpid(mid, NULL, 0);
}

/* Allocates and touches MIB MiB, a MiB at a time, and reports how far it
   got (a memory limit kills it before it can). */
static void cmd_hog(const char *mib)
{
  long n = atol(mib);
  for (long i = 0; i < n; i++)
    {
      char *chunk = malloc(1 << 20);
      if (!chunk)
        {
          printf("hog: %ld MiB, then %s\n", i, err_name(errno));
          return;
        }
      memset(chunk, 'x', 1 << 20);
    }
  printf("hog: %ld MiB\n", n);
}

/* Forks up to MAX children that wait; reports how many it got and why it
   stopped, then "ready", and holds them until stdin reaches EOF. */
static void cmd_forkbomb(const char *max)
{
  int n = atoi(max), got = 0, err = 0;
  pid_t *kids = calloc((size_t)n + 1, sizeof *kids);
  fflush(stdout);
  while (kids && got < n)
    {
      pid_t pid = fork();
      if (pid == 0)
        {
          for (;;)
            pause();
        }
      if (pid < 0)
        {
          err = errno;
          break;
        }
      kids[got++] = pid;
    }
  printf("forkbomb: %d %s\n", got, err ? err_name(err) : "ok");
  cmd_wait_stdin();
  for (int i = 0; i < got; i++)
    kill(kids[i], SIGKILL);
  for (int i = 0; i < got; i++)
    waitpid(kids[i], NULL, 0);
  free(kids);
}

static long long thread_cpu_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Busy for NS of CPU time from now (the clock survives exec: what foil's
   process spent before it became the probe does not count). */
static void spin_for(long long ns)
{
  long long end = thread_cpu_ns() + ns;
  while (thread_cpu_ns() < end)
    ;
}

/* Two processes busy on the CPU until stdin reaches EOF; "ready" first. */
static void cmd_burn(void)
{
  fflush(stdout);
  pid_t kid = fork();
  if (kid == 0)
    {
      for (;;)
        spin_for(1LL << 62);
    }
  printf("ready\n");
  fflush(stdout);
  for (;;)
    {
      struct pollfd p = { 0, POLLIN, 0 };
      char buf[64];
      if (poll(&p, 1, 0) > 0 && read(0, buf, sizeof buf) <= 0)
        break;
    }
  if (kid > 0)
    {
      kill(kid, SIGKILL);
      waitpid(kid, NULL, 0);
    }
  printf("burn: done\n");
}

/* Resource limits (--rlimit), by prlimit(1)'s names, in the order of the
   kernel's resource numbers; LABEL is their line in /proc/PID/limits. */
static const struct {
  const char *name, *label;
} rlimits[] = {
  { "cpu", "Max cpu time" },
  { "fsize", "Max file size" },
  { "data", "Max data size" },
  { "stack", "Max stack size" },
  { "core", "Max core file size" },
  { "rss", "Max resident set" },
  { "nproc", "Max processes" },
  { "nofile", "Max open files" },
  { "memlock", "Max locked memory" },
  { "as", "Max address space" },
  { "locks", "Max file locks" },
  { "sigpending", "Max pending signals" },
  { "msgqueue", "Max msgqueue size" },
  { "nice", "Max nice priority" },
  { "rtprio", "Max realtime priority" },
  { "rttime", "Max realtime timeout" },
};
#define N_RLIMITS (sizeof rlimits / sizeof rlimits[0])

static void limit_text(char *buf, size_t size, rlim_t v)
{
  if (v == RLIM_INFINITY)
    snprintf(buf, size, "unlimited");
  else
    snprintf(buf, size, "%llu", (unsigned long long)v);
}

/* "rlimit NAME: SOFT HARD" for each resource, as getrlimit() has them. */
static void cmd_rlimits(void)
{
  for (size_t i = 0; i < N_RLIMITS; i++)
    {
      struct rlimit r;
      char soft[32], hard[32];
      if (getrlimit((int)i, &r) != 0)
        {
          printf("rlimit %s: %s\n", rlimits[i].name, err_name(errno));
          continue;
        }
      limit_text(soft, sizeof soft, r.rlim_cur);
      limit_text(hard, sizeof hard, r.rlim_max);
      printf("rlimit %s: %s %s\n", rlimits[i].name, soft, hard);
    }
}

/* "limits PID NAME: SOFT HARD" for each line of /proc/PID/limits (PID may
   be "self"): how another process's limits look. */
static void cmd_limits(const char *pid)
{
  char path[64], line[256], soft[32], hard[32];
  FILE *f;

  snprintf(path, sizeof path, "/proc/%s/limits", pid);
  f = fopen(path, "re");
  if (f == NULL)
    {
      report("limits", pid, -1);
      return;
    }
  while (fgets(line, sizeof line, f) != NULL)
    for (size_t i = 0; i < N_RLIMITS; i++)
      {
        size_t n = strlen(rlimits[i].label);
        if (strncmp(line, rlimits[i].label, n) == 0 && line[n] == ' ' &&
            sscanf(line + n, " %31s %31s", soft, hard) == 2)
          printf("limits %s %s: %s %s\n", pid, rlimits[i].name, soft, hard);
      }
  fclose(f);
}

/* setrlimit(NAME, SOFT, HARD), each a number or "unlimited". */
static void cmd_setrlimit(const char *name, const char *soft, const char *hard)
{
  struct rlimit r;
  size_t i = 0;

  while (i < N_RLIMITS && strcmp(rlimits[i].name, name) != 0)
    i++;
  if (i == N_RLIMITS)
    {
      fprintf(stderr, "probe: unknown resource %s\n", name);
      exit(99);
    }
  r.rlim_cur = strcmp(soft, "unlimited") == 0 ? RLIM_INFINITY : (rlim_t)strtoull(soft, NULL, 10);
  r.rlim_max = strcmp(hard, "unlimited") == 0 ? RLIM_INFINITY : (rlim_t)strtoull(hard, NULL, 10);
  report("setrlimit", name, setrlimit((int)i, &r));
}

static int run_one(int argc, char **argv)
{
  const char *c = argv[0];
#define NEED(n)                                               \
  do                                                          \
    {                                                         \
      if (argc < (n) + 1)                                     \
        {                                                     \
          fprintf(stderr, "probe: %s needs %d args\n", c, n); \
          exit(99);                                           \
        }                                                     \
    }                                                         \
  while (0)
  if (!strcmp(c, "status"))
    cmd_status();
  else if (!strcmp(c, "env"))
    cmd_env();
  else if (!strcmp(c, "exit"))
    {
      NEED(1);
      fflush(stdout);
      exit(atoi(argv[1]));
    }
  else if (!strcmp(c, "kill"))
    {
      NEED(1);
      fflush(stdout);
      signal(atoi(argv[1]), SIG_DFL);
      kill(getpid(), atoi(argv[1]));
      pause();
    }
  else if (!strcmp(c, "write"))
    {
      NEED(1);
      cmd_write(argv[1]);
    }
  else if (!strcmp(c, "put"))
    {
      NEED(2);
      cmd_put(argv[1], argv[2]);
    }
  else if (!strcmp(c, "read"))
    {
      NEED(1);
      cmd_read(argv[1]);
    }
  else if (!strcmp(c, "mkdir"))
    {
      NEED(1);
      report("mkdir", argv[1], mkdir(argv[1], 0755));
    }
  else if (!strcmp(c, "stat"))
    {
      NEED(1);
      cmd_stat(argv[1]);
    }
  else if (!strcmp(c, "readlink"))
    {
      NEED(1);
      cmd_readlink(argv[1]);
    }
  else if (!strcmp(c, "uname"))
    cmd_uname();
  else if (!strcmp(c, "tiocsti"))
    cmd_tiocsti();
  else if (!strcmp(c, "unshare-user"))
    cmd_unshare_user();
  else if (!strcmp(c, "remount-rw"))
    {
      NEED(2);
      cmd_remount_rw(argv[1], argv[2]);
    }
  else if (!strcmp(c, "escape"))
    {
      NEED(6);
      cmd_escape(argv[1], argv[2], argv[3], argv[4], argv[5], argv[6]);
    }
  else if (!strcmp(c, "cwd-escape"))
    {
      NEED(2);
      cmd_cwd_escape(argv[1], argv[2]);
    }
  else if (!strcmp(c, "lo"))
    cmd_lo();
  else if (!strcmp(c, "sleep"))
    {
      printf("ready\n");
      fflush(stdout);
      for (;;)
        pause();
    }
  else if (!strcmp(c, "wait-stdin"))
    cmd_wait_stdin();
  else if (!strcmp(c, "size"))
    {
      NEED(1);
      struct stat st;
      if (stat(argv[1], &st) == 0)
        printf("size %s: ok %lld\n", argv[1], (long long)st.st_size);
      else
        report("size", argv[1], -1);
    }
  else if (!strcmp(c, "argv0"))
    printf("argv0: %s\n", own_argv0);
  else if (!strcmp(c, "statfs"))
    {
      NEED(1);
      cmd_statfs(argv[1]);
    }
  else if (!strcmp(c, "readfd"))
    {
      NEED(1);
      cmd_readfd(argv[1]);
    }
  else if (!strcmp(c, "umount"))
    {
      NEED(1);
      report("umount", argv[1], umount2(argv[1], MNT_DETACH));
    }
  else if (!strcmp(c, "signals"))
    cmd_signals();
  else if (!strcmp(c, "clocks"))
    cmd_clocks();
  else if (!strcmp(c, "signal"))
    {
      NEED(2);
      report("signal", argv[1], kill((pid_t)atoi(argv[1]), atoi(argv[2])));
    }
  else if (!strcmp(c, "signal-child"))
    cmd_signal_child();
  else if (!strcmp(c, "cgroup"))
    cmd_cgroup();
  else if (!strcmp(c, "daemon"))
    cmd_daemon();
  else if (!strcmp(c, "hog"))
    {
      NEED(1);
      cmd_hog(argv[1]);
    }
  else if (!strcmp(c, "forkbomb"))
    {
      NEED(1);
      cmd_forkbomb(argv[1]);
    }
  else if (!strcmp(c, "burn"))
    cmd_burn();
  else if (!strcmp(c, "spin"))
    {
      NEED(1);
      spin_for(atoll(argv[1]) * 1000000LL);
      printf("spin: done\n");
    }
  else if (!strcmp(c, "landlock-abi"))
    {
      long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* LANDLOCK_CREATE_RULESET_VERSION */);
      printf("landlock-abi: %ld\n", abi < 0 ? 0 : abi);
    }
  else if (!strcmp(c, "abstract-connect"))
    {
      NEED(1);
      cmd_abstract_connect(argv[1]);
    }
  else if (!strcmp(c, "abstract-send"))
    {
      NEED(1);
      cmd_abstract_send(argv[1]);
    }
  else if (!strcmp(c, "abstract-self"))
    {
      NEED(1);
      cmd_abstract_self(argv[1]);
    }
  else if (!strcmp(c, "tcp-listen"))
    {
      NEED(1);
      cmd_tcp_bind("tcp-listen", argv[1], true);
    }
  else if (!strcmp(c, "tcp-bind"))
    {
      NEED(1);
      cmd_tcp_bind("tcp-bind", argv[1], false);
    }
  else if (!strcmp(c, "tcp-connect"))
    {
      NEED(1);
      cmd_tcp_connect(argv[1]);
    }
  else if (!strcmp(c, "rlimits"))
    cmd_rlimits();
  else if (!strcmp(c, "limits"))
    {
      NEED(1);
      cmd_limits(argv[1]);
    }
  else if (!strcmp(c, "setrlimit"))
    {
      NEED(3);
      cmd_setrlimit(argv[1], argv[2], argv[3]);
    }
  else
    {
      fprintf(stderr, "probe: unknown command %s\n", c);
      exit(99);
    }
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv)
{
  int start = 1;
  own_argv0 = argv[0];
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2)
    {
      fprintf(stderr, "usage: foil-probe CMD [ARGS] [+ CMD [ARGS]]...\n");
      return 99;
    }
  for (int i = 1; i <= argc; i++)
    {
      if (i == argc || !strcmp(argv[i], "+"))
        {
          if (i > start)
            run_one(i - start, argv + start);
          start = i + 1;
        }
    }
  return 0;
}
