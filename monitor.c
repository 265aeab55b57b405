/* monitor.c: the monitor (the process the caller started, holding nothing
 * once the privileged start is over) and what the other processes share
 * with it: the report pipe, exit statuses, --die-with-parent, and the
 * signal handling of --forward-signals and SIGPIPE.
 */
#include "report.h"
#include "cgroup.h"
#include "foil.h"
#include "privileged.h"
#include "utils.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void send_report(int fd, enum report_type type, int value)
{
  struct report r = { type, value };

  if (write_all(fd, &r, sizeof r) < 0)
    die_errno("Can't report to the monitor");
}

int exit_status_of(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 1;
}

void die_with_parent_now(pid_t expected_parent)
{
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_PDEATHSIG)");
  /* The parent may have died before the prctl. */
  if (expected_parent > 0 && getppid() != expected_parent)
    _exit(1);
}

/* Where the signal handler forwards to: written by the monitor, the reaper
   and the nested pid waiter, each in its own process. */
static volatile sig_atomic_t forward_to_pid;
static bool forward_terminal_signals;

/* Signals sent to foil with kill() are passed on; signals from the terminal
   only when the payload is in another session (--new-session), since
   otherwise the terminal has already sent it the same signal. */
static void forward_signal(int sig, siginfo_t *info, void *context)
{
  int saved = errno;

  (void)context;
  if (forward_to_pid > 0 && (info->si_code == SI_USER || info->si_code == SI_QUEUE ||
                             forward_terminal_signals))
    kill(forward_to_pid, sig);
  errno = saved;
}

static const int forwarded_signals[] = { FORWARDED_SIGNALS };

void forward_signals_to(pid_t pid, bool from_terminal_too)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = forward_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  forward_to_pid = pid;
  forward_terminal_signals = from_terminal_too;
  for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++)
    if (sigaction(forwarded_signals[i], &sa, NULL) < 0)
      die_errno("sigaction");
}

void reset_forwarded_signals(void)
{
  for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++)
    if (signal(forwarded_signals[i], SIG_DFL) == SIG_ERR)
      die_errno("signal");
}

/* With --forward-signals a signal sent to foil once the command runs must
   reach it. Until each process on the way knows where to forward (the
   monitor: the main pid, from the reports; pid 1: after its fork), the
   signals are held blocked, and so stay pending instead of killing foil or
   being dropped (pid 1 ignores what it has no handler for). Each process
   gives the caller's mask back once ready; the command gets it at exec. */
static sigset_t caller_sigmask;

void keep_caller_sigmask(const sigset_t *mask)
{
  caller_sigmask = *mask;
}

void release_held_signals(void)
{
  if (sigprocmask(SIG_SETMASK, &caller_sigmask, NULL) < 0)
    die_errno("sigprocmask");
}

/* A reader of --info-fd or --json-status-fd that went away is an error with
   a message, not a silent death by SIGPIPE (in the setup process and the
   monitor); the command gets the disposition the caller gave foil. */
static struct sigaction caller_sigpipe;

void ignore_sigpipe(void)
{
  struct sigaction ignore;

  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &ignore, &caller_sigpipe) < 0)
    die_errno("sigaction");
}

void restore_sigpipe(void)
{
  if (sigaction(SIGPIPE, &caller_sigpipe, NULL) < 0)
    die_errno("sigaction");
}

static int setup_join_fd = -1;
static pid_t setup_pid;

/* The setup process reads end of file and exits (sandbox.c); waiting for
   it keeps it from outliving foil. */
static void end_waiting_setup_process(void)
{
  close(setup_join_fd);
  RETRY_EINTR(waitpid(setup_pid, NULL, 0));
}

/* Setuid mode: the setup process parsed --cgroup and the limits and sends
   them; the monitor, holding nothing any more, makes the cgroup with the
   caller's identity, moves the waiting setup process in and says so. */
static void make_cgroup_for_setup(struct priv_start *st)
{
  struct cgroup_request req = { 0 };
  size_t got = 0;

  while (got < sizeof req)
    {
      ssize_t n = RETRY_EINTR(read(st->join[0], (char *)&req + got, sizeof req - got));
      if (n <= 0)
        return;   /* the setup process failed and said why */
      got += (size_t)n;
    }
  req.dir[sizeof req.dir - 1] = req.memory_max_arg[sizeof req.memory_max_arg - 1] = '\0';
  for (size_t i = 0; i < CG_N_LIMITS; i++)
    req.value[i][CG_VALUE_MAX - 1] = req.option[i][sizeof req.option[i] - 1] = '\0';
  /* The setup process checked both when it parsed them; an fd number that
     is not open here only loses the error line, as with bwrap. */
  if (req.error_status >= 1 && req.error_status <= 255)
    set_error_exit_status(req.error_status);
  if (req.error_json_fd >= 0)
    set_error_json_fd(req.error_json_fd);
  setup_join_fd = st->join[0];
  setup_pid = st->child;
  cgroup_on_failure(end_waiting_setup_process);
  cgroup_prepare(&req, st->child);
  cgroup_on_failure(NULL);
  if (write_all(st->join[0], "c", 1) < 0 && errno != EPIPE)
    die_errno("Can't tell the sandbox its cgroup is ready");
}

/* Reads the sandbox's reports until the payload is exec'd (or setup failed)
   or, in setuid mode, until the setup process hands the sandbox over
   (REPORT_JOIN). In setuid mode this runs with the join capabilities still
   permitted, none effective (privileged.h): each report is two integers, and
   none of them is used with a capability; REPORT_LAYOUT saying the command
   runs below the sandbox's user namespace drops them for good at once. */
void monitor_reports(struct priv_start *st, int report_fd, struct monitor_state *m)
{
  struct report r = { 0, 0 };
  bool dropped = false;

  memset(m, 0, sizeof *m);
  m->main_pid = st->child;
  m->json_fd = m->hold_fd = m->exec_fd = -1;
  ignore_sigpipe();
  while (RETRY_EINTR(read(report_fd, &r, sizeof r)) == (ssize_t)sizeof r)
    {
      if (r.type == REPORT_MAIN_PID)
        m->main_pid = forward_to_pid = r.value;
      else if (r.type == REPORT_FORWARD_SIGNALS && r.value == FORWARD_NONE)
        release_held_signals();
      else if (r.type == REPORT_FORWARD_SIGNALS)
        {
          m->forwarding = true;
          forward_signals_to(m->main_pid, r.value == FORWARD_WITH_TERMINAL);
        }
      else if (r.type == REPORT_DIE_WITH_PARENT)
        die_with_parent_now(st->caller_pid);
      else if (r.type == REPORT_JSON_STATUS_FD)
        m->json_fd = r.value;
      else if (r.type == REPORT_EXEC || r.type == REPORT_EXEC_FAILED)
        m->exec_ok = r.type == REPORT_EXEC;
      else if (r.type == REPORT_CLOSE_FD && r.value > 2 && r.value != report_fd &&
               r.value != st->join[0] && r.value != st->owner_userns_fd)
        close(r.value);
      else if (r.type == REPORT_LAYOUT && r.value == 0)
        {
          /* The setup process waits for this byte before anything of the
             command's runs; if it is gone, the reports end here too. */
          priv_drop(st);
          dropped = true;
          if (write_all(st->join[0], "d", 1) < 0 && errno != EPIPE)
            die_errno("Can't tell the sandbox the monitor holds nothing");
        }
      else if (r.type == REPORT_CGROUP && dropped)
        make_cgroup_for_setup(st);
      else if (r.type == REPORT_JOIN)
        {
          m->join = true;
          break;
        }
    }
  close(report_fd);
}

void monitor_forward_to(struct monitor_state *m, pid_t pid)
{
  if (m->forwarding)
    forward_to_pid = pid;
}

/* Once the command runs (or setup is over): wait for the main process;
   with a holder (callerns.c), tell it to go by closing HOLD_FD and wait
   for it too, so that the sandbox is gone when foil returns. */
int monitor_finish(struct monitor_state *m)
{
  int status, holder_status;
  bool holder_done = m->holder <= 0;

  release_held_signals();
  for (;;)
    {
      pid_t w = (pid_t)RETRY_EINTR(waitpid(-1, &status, 0));
      if (w < 0)
        die_errno("waitpid");
      if (w == m->holder)
        holder_done = true;
      if (w == m->main_pid)
        break;
    }
  if (m->hold_fd >= 0)
    close(m->hold_fd);
  /* Read once the command is gone: what it said before exec, or nothing. */
  if (m->exec_fd >= 0)
    {
      struct report r = { 0, 0 };

      while (RETRY_EINTR(read(m->exec_fd, &r, sizeof r)) == (ssize_t)sizeof r)
        m->exec_ok = r.type == REPORT_EXEC;
      close(m->exec_fd);
    }
  if (!holder_done && RETRY_EINTR(waitpid(m->holder, &holder_status, 0)) < 0 && errno != ECHILD)
    die_errno("waitpid");
  if (m->json_fd >= 0 && m->exec_ok)
    {
      char line[64];
      int n = snprintf(line, sizeof line, "{ \"exit-code\": %d }\n", exit_status_of(status));
      if (write_all(m->json_fd, line, (size_t)n) < 0)
        warn("Can't write to --json-status-fd %d: %s", m->json_fd, strerror(errno));
    }
  return exit_status_of(status);
}
