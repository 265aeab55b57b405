/* sandbox.c: the spine of foil. main() starts the processes below; the
 * setup process builds the sandbox step by step (run_sandbox()) and execs
 * the command, or stays as its pid 1 (run_reaper()).
 *
 * Processes (see SECURITY.md):
 *   monitor  - the process the caller started; after the privileged start it
 *              holds nothing (in setuid mode: three capabilities, permitted
 *              only, until it joins the sandbox or learns it will not),
 *              waits for the sandbox and passes its status on (monitor.c).
 *   setup    - cloned into the sandbox's user namespace; parses the arguments,
 *              unshares namespaces, builds the root, drops everything, execs.
 *   reaper   - with --unshare-pid, the setup process forks the payload and
 *              stays as pid 1, exiting with the payload's status.
 * In setuid mode without --unshare-user (callerns.c), instead:
 *   setup    - builds the sandbox, hands the monitor its namespaces and the
 *              command's state, and stays as the holder (pid 1 with
 *              --unshare-pid) until the command exits.
 *   monitor  - checks and joins those namespaces, drops its capabilities for
 *              good, forks the command (start_command()), and waits.
 *   command  - in the sandbox's namespaces but the caller's user namespace.
 *
 * Files, each using only those below it:
 *   sandbox.c     main(), the setup process, the reaper, the exec
 *   callerns.c    setuid mode's hand-over of the sandbox to the monitor
 *   namespaces.c  unshare, the pid namespace, the payload's user namespace
 *   cmdline.c     argv -> struct config and its list of setup operations
 *   optvalues.c   the values options take: capabilities, ids, ports, offsets
 *   monitor.c     the monitor, the report pipe (report.h), signal handling
 *   lockdown.c    capabilities, seccomp programs, closing fds
 *   landlock.c    Landlock scoping and TCP port rules
 *   sources.c     host paths of the options made canonical, before the root
 *   bind-mount.c  the new root: every setup operation, pivot_root
 *   overlay.c     overlayfs mounts, for bind-mount.c to attach
 *   privileged.c  all that runs with setuid-root power: priv_start()
 *   utils.c       messages, allocation, number and path helpers
 * foil.h holds the model they share: struct config and struct setup_op.
 * (optvalues.c uses lockdown.c's capability names; lockdown.c uses
 * privileged.c's capability syscalls.)
 */
#include "foil.h"
#include "callerns.h"
#include "cgroup.h"
#include "cmdline.h"
#include "bind-mount.h"
#include "sources.h"
#include "landlock.h"
#include "lockdown.h"
#include "namespaces.h"
#include "privileged.h"
#include "report.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void change_directory(const struct config *cfg, const char *old_cwd)
{
  const char *home = getenv("HOME");
  char *cwd;

  if (cfg->chdir_path != NULL)
    {
      if (chdir(cfg->chdir_path) < 0)
        die_errno("Can't chdir to %s", cfg->chdir_path);
    }
  else if (old_cwd == NULL || chdir(old_cwd) < 0)
    {
      if (home == NULL || chdir(home) < 0)
        if (chdir("/") < 0)
          die_errno("Can't chdir to /");
    }
  cwd = get_current_dir_name();
  if (cwd != NULL && setenv("PWD", cwd, 1) < 0)
    die_errno("setenv PWD");
  free(cwd);
}

/* --lock-file: read locks, taken by the process that stays as pid 1 (fcntl
   locks belong to a process, so the payload does not share them). */
static void take_lock_files(const struct config *cfg, int *fds)
{
  for (size_t i = 0; i < cfg->n_lock_files; i++)
    {
      struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

      fds[i] = open(cfg->lock_files[i], O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        die_errno("Failed to open lock file %s", cfg->lock_files[i]);
      if (RETRY_EINTR(fcntl(fds[i], F_SETLK, &fl)) < 0)
        die_errno("Failed to lock lock file %s", cfg->lock_files[i]);
    }
}

/* pid 1 of the sandbox (or, for --sync-fd, the payload's parent): no
   capabilities, no fds but stdio, --sync-fd and the lock files; it exits
   with the payload's status, which takes the rest of a pid namespace down
   with it. Like bwrap's, it runs under the payload's seccomp programs and is
   dumpable, so the caller can open /proc/CHILD-PID/ns/ (`flatpak enter`,
   `nsenter -t`); the payload may ptrace it, but gains nothing it lacks.
   Not in setuid mode: there the namespaces descend from one owned by root,
   so the caller could not open them anyway, and a dumpable pid 1 would only
   show the caller its list of fds. */
static __attribute__((noreturn)) void run_reaper(const struct config *cfg, pid_t payload,
                                                 int *keep, size_t n_keep)
{
  int status;

  close_fds_except(keep, n_keep);
  if (cfg->forward_signals)
    forward_signals_to(payload, true);
  release_held_signals();
  if (cfg->die_with_parent)
    die_with_parent_now(0);
  drop_every_capability();
  load_seccomp_programs(cfg);
  if (cfg->mode != MODE_SETUID && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  for (;;)
    {
      pid_t w = (pid_t)RETRY_EINTR(wait(&status));
      if (w == payload)
        _exit(exit_status_of(status));
      if (w < 0)
        _exit(1);
    }
}

static void wait_for_block_fd(int fd)
{
  char byte;

  if (RETRY_EINTR(read(fd, &byte, 1)) < 0)
    die_errno("Can't read --block-fd %d", fd);
  close(fd);
}

/* --rlimit, in the command only (never pid 1 or the monitor), before its
   seccomp programs, which may forbid setrlimit. validate_config() checked
   each against the limits this process inherited. */
static void apply_rlimits(const struct config *cfg)
{
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    {
      const struct rlimit_setting *set = &cfg->rlimits[i];
      struct rlimit lim = { set->soft, set->hard };

      if (!set->hard_set && getrlimit(set->resource, &lim) < 0)
        die_errno("--rlimit %s: getrlimit", set->arg);
      lim.rlim_cur = set->soft;
      if (setrlimit(set->resource, &lim) < 0)
        die_errno("--rlimit %s", set->arg);
    }
}

static __attribute__((noreturn)) void exec_payload(const struct config *cfg, bool has_reaper,
                                                   int report_fd)
{
  if (cfg->die_with_parent)
    die_with_parent_now(0);
  if (cfg->block_fd >= 0)
    wait_for_block_fd(cfg->block_fd);
  /* Like bwrap, fds the caller left open are the caller's to give (WebKitGTK
     hands its web process fds this way); foil's own are close-on-exec.
     --close-fds keeps only 0, 1, 2, --keep-fd fds, and --sync-fd when there
     is no pid 1 to hold it. */
  /* From here on a failure is the command's start failing, reported by exit
     status alone (as bwrap does), not as a setup-error line. */
  set_error_json_fd(-1);
  restore_sigpipe();
  release_held_signals();
  /* bwrap keeps --sync-fd out of the command when pid 1 holds it. */
  if (has_reaper && cfg->sync_fd >= 0)
    close(cfg->sync_fd);
  if (cfg->close_fds)
    {
      int *keep = xcalloc(cfg->n_keep_fds + 2, sizeof(int));
      if (cfg->n_keep_fds > 0)
        memcpy(keep, cfg->keep_fds, sizeof(int) * cfg->n_keep_fds);
      keep[cfg->n_keep_fds] = report_fd;
      keep[cfg->n_keep_fds + 1] = has_reaper ? -1 : cfg->sync_fd;
      close_fds_except(keep, cfg->n_keep_fds + 2);
      free(keep);
    }
  if (cfg->exec_label != NULL && write_file_at(AT_FDCWD, "/proc/thread-self/attr/exec", cfg->exec_label) < 0)
    die_errno("--exec-label %s", cfg->exec_label);
  apply_rlimits(cfg);
  load_seccomp_programs(cfg);
  {
    char *file = cfg->command[0];
    int saved;

    if (cfg->argv0 != NULL)
      cfg->command[0] = (char *)cfg->argv0;
    send_report(report_fd, REPORT_EXEC, 0);
    execvp(file, cfg->command);
    saved = errno;
    send_report(report_fd, REPORT_EXEC_FAILED, 0);
    errno = saved;
    die_errno("execvp %s", file);
  }
}

/* The holder's wait: for the command's pidfd from the monitor (end of file:
   it went away before starting the command), then for the command's exit.
   As pid 1 it runs under the command's seccomp programs, like the reaper. */
/* Setuid mode, nested layout: the monitor gives up the capabilities it kept
   for a join that will not come, and says so with one byte; nothing of the
   command's may run before it has. End of file: the monitor is gone. */
static void wait_for_monitor_drop(int join_fd)
{
  char byte;

  if (RETRY_EINTR(read(join_fd, &byte, 1)) != 1)
    die("The monitor went away before the sandbox started");
}

/* Setuid mode: the monitor makes the sandbox's cgroup (cgroup.c) and moves
   this process in while it waits here, before anything of the sandbox
   exists. End of file: the monitor failed and said why. */
static void wait_for_cgroup(int report_fd, int join_fd, const struct config *cfg)
{
  struct cgroup_request req = cfg->cgroup;
  char byte;

  req.error_status = error_exit_status_of_setup();
  req.error_json_fd = cfg->json_status_fd;
  send_report(report_fd, REPORT_CGROUP, 0);
  if (write_all(join_fd, &req, sizeof req) < 0)
    die_errno("Can't ask the monitor for the sandbox's cgroup");
  if (RETRY_EINTR(read(join_fd, &byte, 1)) != 1)
    _exit(1);
}

static __attribute__((noreturn)) void hold_until_command_exits(const struct config *cfg, int join_fd)
{
  int pidfd = callerns_receive_command(join_fd);
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  if (cfg->unshare_pid)
    load_seccomp_programs(cfg);
  if (pidfd < 0)
    _exit(1);
  while (poll(&p, 1, -1) < 0)
    if (errno != EINTR)
      _exit(1);
  _exit(0);
}

static void reap_children(int sig)
{
  int saved = errno;

  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  errno = saved;
}

/* Setuid mode, the command in the caller's user namespace (callerns.c):
   hand the monitor our namespaces and the command's state, then hold the
   sandbox (its pid 1 with --unshare-pid: reaping orphans; the --lock-file
   locks; --sync-fd) until the command exits, which the pidfd the monitor
   sends says even if the monitor is gone by then. Like pid 1 otherwise: no
   capabilities, the command's seccomp programs, not dumpable. */
static __attribute__((noreturn)) void hand_over_and_hold(const struct config *cfg, int report_fd,
                                                         int join_fd, int proc_fd)
{
  int ns[JOIN_MAX_FDS];
  size_t n = callerns_open_namespaces(proc_fd, ns), n_keep = cfg->n_lock_files + 2;
  int *keep = xcalloc(n_keep, sizeof(int));
  struct namespace_ids ids;
  char *cwd = get_current_dir_name();
  struct sigaction sa;

  if (cwd == NULL)
    die_errno("getcwd");
  collect_namespace_ids(cfg, proc_fd, &ids);
  close(proc_fd);
  take_lock_files(cfg, keep);
  keep[cfg->n_lock_files] = cfg->sync_fd;
  keep[cfg->n_lock_files + 1] = join_fd;
  /* Everything the holder needs done is done before the hand-over, so that
     it does not compete with the monitor and the command for a CPU. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = reap_children;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGCHLD, &sa, NULL) < 0)
    die_errno("sigaction");
  release_held_signals();
  if (cfg->die_with_parent)
    die_with_parent_now(0);
  drop_every_capability();
  /* The last report: the rest (as large as the environment) goes over the
     socket, which the monitor reads only once it is told to. */
  send_report(report_fd, REPORT_JOIN, 0);
  close(report_fd);
  callerns_send(join_fd, ns, n, cfg, cwd, cfg->unshare_pid, (const uint64_t *)ids.ino);
  for (size_t i = 0; i < n; i++)
    close(ns[i]);
  free(cwd);
  close_fds_except(keep, n_keep);
  free(keep);
  hold_until_command_exits(cfg, join_fd);
}

/* The setup process: cfg is parsed already (user-namespace and root mode
   parse before the clone), or parsed here (setuid mode parses nothing before
   the privileged start is over). */
static __attribute__((noreturn)) void run_sandbox(const struct config *parsed,
                                                  const struct priv_start *st, int argc, char **argv)
{
  int report_fd = st->report[1];
  struct config cfg;
  struct mount_ctx ctx = { .root_fd = -1 };
  struct userns_files uf;
  char *old_cwd = get_current_dir_name();
  mode_t old_umask;
  bool has_reaper;

  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_DUMPABLE)");
  ignore_sigpipe();
  if (st->mode == MODE_SETUID)
    {
      /* Parsed only now, in the sandbox's user namespace, unprivileged. */
      config_init(&cfg, st->mode, st->caller_uid, st->caller_gid);
      cfg.reserved_fd = report_fd;
      cfg.join_fd = st->join[1];
      parse_args(&cfg, argc - 1, argv + 1);
      validate_config(&cfg);
      cfg.callerns = callerns_layout(&cfg);
      /* Without it, the monitor drops its last capabilities now. */
      send_report(report_fd, REPORT_LAYOUT, cfg.callerns);
      if (!cfg.callerns)
        wait_for_monitor_drop(st->join[1]);
      if (cfg.cgroup.used)
        wait_for_cgroup(report_fd, st->join[1], &cfg);
    }
  else
    cfg = *parsed;
  if (cfg.die_with_parent)
    {
      send_report(report_fd, REPORT_DIE_WITH_PARENT, 0);
      die_with_parent_now(st->monitor_pid);
    }
  if (cfg.json_status_fd >= 0)
    send_report(report_fd, REPORT_JSON_STATUS_FD, cfg.json_status_fd);
  send_report(report_fd, REPORT_FORWARD_SIGNALS,
              !cfg.forward_signals ? FORWARD_NONE : cfg.new_session ? FORWARD_WITH_TERMINAL : FORWARD_SENT);
  if (!cfg.forward_signals)
    release_held_signals();
  /* The monitor's copy of --info-fd would hide the end of file its reader waits for. */
  if (cfg.info_fd >= 0 && !cfg.info_written && !cfg.callerns)
    send_report(report_fd, REPORT_CLOSE_FD, cfg.info_fd);
  old_umask = umask(0);
  unshare_namespaces(&cfg);
  open_userns_files(&cfg, &uf);
  if (cfg.unshare_pid || cfg.pidns_fd >= 0)
    enter_pid_namespace(&cfg, report_fd, uf.proc_fd);
  else
    report_namespaces(&cfg, getpid(), uf.proc_fd);
  ctx.fresh_proc = cfg.unshare_pid || cfg.pidns_fd >= 0;
  ctx.proc_fd = uf.proc_fd;
  ctx.in_user_namespace = uses_user_namespace(&cfg);
  ctx.file_label = cfg.file_label;
  resolve_sources(&cfg);
  new_root_create(&ctx);
  for (const struct setup_op *op = cfg.ops; op != NULL; op = op->next)
    run_setup_op(&ctx, op);
  pivot_into_new_root(&ctx);
  if (uses_user_namespace(&cfg) && !cfg.callerns)
    enter_final_user_namespace(&cfg, &uf);
  if (!cfg.callerns)
    close(uf.proc_fd);
  if (cfg.assert_userns_disabled && unshare(CLONE_NEWUSER) == 0)
    die("creation of new user namespaces was not disabled as requested");
  change_directory(&cfg, old_cwd);
  drop_capabilities(&cfg, st->caller_caps);
  /* After no_new_privs (set just above), before any seccomp program; pid 1
     and the payload share the domain, so the payload may signal pid 1. */
  landlock_restrict(&cfg);
  if (cfg.new_session && setsid() < 0)
    die_errno("setsid");
  umask(old_umask);
  if (cfg.callerns)
    hand_over_and_hold(&cfg, report_fd, st->join[1], uf.proc_fd);
  has_reaper = !cfg.as_pid_1 &&
               (cfg.unshare_pid || cfg.pidns_fd >= 0 || cfg.sync_fd >= 0 || cfg.n_lock_files > 0);
  if (has_reaper)
    {
      size_t n_keep = cfg.n_lock_files + 1;
      int *keep = xcalloc(n_keep, sizeof(int));
      pid_t payload;

      take_lock_files(&cfg, keep);
      keep[cfg.n_lock_files] = cfg.sync_fd;
      payload = fork();
      if (payload < 0)
        die_errno("fork");
      if (payload > 0)
        run_reaper(&cfg, payload, keep, n_keep);
      free(keep);
    }
  exec_payload(&cfg, has_reaper, report_fd);
}

/* --userns-block-fd: the child's maps are written by someone else, who
   learns its pid from --info-fd; the child may go on once FD is readable. */
static void wait_for_external_maps(const struct config *cfg, pid_t child)
{
  char info[64], byte;
  int n = snprintf(info, sizeof info, "{\n    \"child-pid\": %d\n}\n", (int)child);

  if (write_all(cfg->info_fd, info, (size_t)n) < 0 || close(cfg->info_fd) < 0)
    die_errno("Can't write to --info-fd %d", cfg->info_fd);
  if (RETRY_EINTR(read(cfg->userns_block_fd, &byte, 1)) < 0)
    die_errno("Can't read --userns-block-fd %d", cfg->userns_block_fd);
}

/* --userns: this process joins (it is not privileged in any mode that allows
   the option) and the setup process starts there as root if it can. */
static pid_t fork_into_user_namespace(int userns_fd)
{
  pid_t pid;

  if (setns(userns_fd, CLONE_NEWUSER) < 0)
    die_errno("Can't join the user namespace of --userns %d", userns_fd);
  pid = spawn_clone(SIGCHLD, cgroup_spawn_fd());
  if (pid == 0 && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) && errno != EINVAL)
    die_errno("Can't switch ids in the user namespace of --userns");
  return pid;
}

/* Create the setup process in user-namespace and root mode, where nothing is
   privileged (setuid mode's is created by priv_start()). */
static pid_t spawn_setup_process(const struct priv_start *st, struct config *cfg)
{
  bool external_maps = cfg->userns_block_fd >= 0;
  pid_t pid;
  int go_fd;

  if (cfg->userns_fd >= 0)
    return fork_into_user_namespace(cfg->userns_fd);
  if (st->mode == MODE_ROOT && !external_maps)
    return spawn_clone(SIGCHLD, cgroup_spawn_fd());
  /* The monitor writes --info-fd itself; the setup process must not. */
  cfg->info_written = external_maps;
  pid = priv_spawn_in_user_namespace(st, !external_maps, external_maps ? cfg->info_fd : -1, &go_fd,
                                     NULL);
  if (pid == 0)
    return 0;
  if (external_maps)
    wait_for_external_maps(cfg, pid);
  priv_release_child(go_fd);
  return pid;
}

/* The command, forked by the monitor in the sandbox's namespaces (pid
   namespace included) but in the caller's user namespace, with no
   capability: it waits for GO_FD when there is one (its pid is reported
   first), then does what exec_payload() did for the setup process's
   command. */
static __attribute__((noreturn)) void start_command(struct config *cfg, const struct callerns_state *cs,
                                                    int go_fd, int exec_fd)
{
  char byte;

  reset_forwarded_signals();
  if (go_fd >= 0 && RETRY_EINTR(read(go_fd, &byte, 1)) != 1)
    _exit(1);   /* the monitor failed and said why */
  if (go_fd >= 0)
    close(go_fd);
  /* Its reader waits for end of file; the monitor has written it. */
  if (cfg->info_fd >= 0)
    close(cfg->info_fd);
  set_error_json_fd(cfg->json_status_fd);
  if (chdir(cs->cwd) < 0)
    die_errno("Can't chdir to %s", cs->cwd);
  environ = cs->env;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
  if (cfg->new_session && setsid() < 0)
    die_errno("setsid");
  exec_payload(cfg, true, exec_fd);
}

/* The monitor's side of callerns.c: join, then (with no privilege left)
   read the command's state, fork the command, report the pids. Returns
   with the command as M's main pid, or at once if setup failed. */
static void run_in_caller_namespace(struct priv_start *st, struct monitor_state *m)
{
  int ns[JOIN_MAX_FDS], go[2] = { -1, -1 }, exec_pipe[2];
  size_t len;
  ssize_t n = callerns_receive_namespaces(st->join[0], ns, &len);
  struct config cfg;
  struct callerns_state cs;
  struct namespace_ids ids;
  pid_t pid;
  bool hold;

  if (n < 0)
    return;
  priv_join(st, ns, (size_t)n);
  for (ssize_t i = 0; i < n; i++)
    close(ns[i]);
  config_init(&cfg, MODE_SETUID, st->caller_uid, st->caller_gid);
  callerns_receive_state(st->join[0], len, &cfg, &cs);
  for (size_t i = 0; i < cs.n_close; i++)
    if (cs.close[i] > 2 && cs.close[i] != st->join[0])
      close(cs.close[i]);
  memcpy(ids.ino, cs.ns_ids, sizeof ids.ino);
  /* child-pid is written before the command may run, so that a failed
     write stops it: the holder's (pid 1) is known now; the command's only
     once it is forked, and it then waits for the go-ahead. */
  if (cs.pidns)
    write_namespace_report(&cfg, m->main_pid, &ids);
  hold = !cs.pidns && (cfg.info_fd >= 0 || cfg.json_status_fd >= 0);
  if ((hold && pipe2(go, O_CLOEXEC) < 0) || pipe2(exec_pipe, O_CLOEXEC) < 0)
    die_errno("pipe2");
  pid = fork();
  if (pid < 0)
    die_errno("Can't start the command in the sandbox");
  if (pid == 0)
    {
      if (hold)
        close(go[1]);
      close(exec_pipe[0]);
      start_command(&cfg, &cs, go[0], exec_pipe[1]);
    }
  if (hold)
    close(go[0]);
  close(exec_pipe[1]);
  m->holder = m->main_pid;
  m->main_pid = pid;
  m->hold_fd = st->join[0];
  m->exec_fd = exec_pipe[0];
  monitor_forward_to(m, pid);
  callerns_send_command(st->join[0], pid);
  if (hold)
    {
      write_namespace_report(&cfg, pid, &ids);
      if (write_all(go[1], "g", 1) < 0)
        die_errno("Can't start the command");
      close(go[1]);
    }
}

int main(int argc, char **argv)
{
  struct config early, *parsed = NULL;
  struct priv_start st;

  /* Nothing before this: in setuid mode it returns with every privilege
     dropped, in the monitor and in the setup process. */
  priv_start(argc, argv, &st);
  if (st.request == PRIV_VERSION)
    print_version();
  if (st.request == PRIV_HELP)
    print_usage(stdout);
  if (st.request != PRIV_RUN)
    return 0;
  if (st.mode != MODE_SETUID)
    {
      /* Nothing is privileged here, and --userns, --pidns and
         --userns-block-fd must act before the clone. */
      config_init(&early, st.mode, st.caller_uid, st.caller_gid);
      parse_args(&early, argc - 1, argv + 1);
      validate_config(&early);
      parsed = &early;
      if (early.cgroup.used)
        cgroup_prepare(&early.cgroup, 0);
      st.spawn_cgroup_fd = cgroup_spawn_fd();
      priv_prepare_spawn(&st, early.forward_signals);
      st.child = spawn_setup_process(&st, &early);
      if (st.child == 0)
        cgroup_enter();
    }
  keep_caller_sigmask(&st.caller_sigmask);
  if (st.child < 0)
    die_errno("fork");
  if (st.child > 0)
    {
      struct monitor_state m;
      int code;

      close(st.report[1]);
      if (st.join[1] >= 0)
        close(st.join[1]);
      monitor_reports(&st, st.report[0], &m);
      if (m.join)
        run_in_caller_namespace(&st, &m);
      priv_drop(&st);
      if (st.join[0] >= 0 && m.hold_fd != st.join[0])
        close(st.join[0]);
      code = monitor_finish(&m);
      cgroup_finish(m.exec_ok ? m.json_fd : -1, code);
      return code;
    }
  close(st.report[0]);
  if (st.join[0] >= 0)
    close(st.join[0]);
  run_sandbox(parsed, &st, argc, argv);
}
