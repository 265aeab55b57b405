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
};

enum forwarding { FORWARD_NONE, FORWARD_SENT, FORWARD_WITH_TERMINAL };

struct report {
  int32_t type;
  int32_t value;
};

/* Send one report; dies if the monitor cannot be told. */
void send_report(int fd, enum report_type type, int value);

/* The monitor: reads the reports on report_fd until the payload is exec'd
   (or setup failed), waits for the main process, returns its exit status. */
int monitor(pid_t child, int report_fd, pid_t caller_pid);

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
