/* report.h: the report pipe from the setup process to the monitor, and
   what monitor.c offers the processes that wait: exit statuses,
   --die-with-parent, signal forwarding and SIGPIPE handling. */
#ifndef FOIL_REPORT_H
#define FOIL_REPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The messages, in one direction only: setup process -> monitor. */
enum report_type {
  REPORT_MAIN_PID = 1,        /* value: pid the monitor waits for instead */
  REPORT_DIE_WITH_PARENT,
  REPORT_JSON_STATUS_FD,      /* value: fd to write { "exit-code": N } to */
  REPORT_EXEC,                /* the payload is about to be exec'd */
  REPORT_EXEC_FAILED,
  REPORT_FORWARD_SIGNALS,     /* value: enum forwarding (sent in every mode) */
  REPORT_CLOSE_FD,            /* value: an fd whose reader waits for end of file */
  REPORT_LAYOUT,              /* setuid mode: value 1 if the command runs in the
                                 caller's user namespace (callerns.c), else 0 */
  REPORT_JOIN,                /* the namespaces follow on the join socket */
  REPORT_CGROUP,              /* setuid mode, after the drop: a struct cgroup_request
                                 follows on the join socket (cgroup.c) */
};

enum forwarding { FORWARD_NONE, FORWARD_SENT, FORWARD_WITH_TERMINAL };

struct report {
  int32_t type;
  int32_t value;
};

/* Send one report; dies if the monitor cannot be told. */
void send_report(int fd, enum report_type type, int value);

/* The monitor: monitor_reports() reads the reports on report_fd until the
   payload is exec'd (or setup failed), or the sandbox is handed over (then
   join is set); monitor_finish() waits for the main process and returns
   its exit status. */
struct priv_start;
struct monitor_state {
  pid_t main_pid;   /* the process whose status is foil's */
  pid_t holder;     /* callerns.c: the setup process left holding the sandbox */
  int hold_fd;      /* closing it lets the holder go, or -1 */
  int exec_fd;      /* callerns.c: the command's reports (REPORT_EXEC...), or -1 */
  int json_fd;      /* --json-status-fd, or -1 */
  bool exec_ok, join, forwarding;
};
void monitor_reports(struct priv_start *st, int report_fd, struct monitor_state *m);
/* --forward-signals: forward to PID from now on. */
void monitor_forward_to(struct monitor_state *m, pid_t pid);
int monitor_finish(struct monitor_state *m);
/* Signals forwarded by this process's handlers get their default action back. */
void reset_forwarded_signals(void);

/* The exit status foil passes on for a wait() status (128+N for signal N). */
int exit_status_of(int status);
/* Be killed when the parent dies; _exit(1) if it is no longer
   expected_parent (0: do not check). */
void die_with_parent_now(pid_t expected_parent);

/* Forward the signals of --forward-signals to pid (from the terminal too, or
   only those sent with kill()). */
void forward_signals_to(pid_t pid, bool from_terminal_too);
/* The caller's signal mask, from before priv_prepare_spawn() held the
   forwarded signals: release_held_signals() gives it back. */
void keep_caller_sigmask(const sigset_t *mask);
/* Give the caller's signal mask back. */
void release_held_signals(void);
/* SIGPIPE ignored (a reader that went away is an error with a message), and
   the caller's disposition given back before exec. */
void ignore_sigpipe(void);
void restore_sigpipe(void);

#endif
