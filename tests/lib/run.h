/* Running a program (or a function in a child) and capturing what it
 * prints, for the test programs of the tree. Nothing here knows about
 * foil or its run modes; failures are reported with Check's assertions.
 *
 * Use: build the arguments with args_add/args_addv, describe the child in
 * a struct spawn, and either spawn_run() (wait and capture stdout, stderr
 * and the exit code) or spawn_start() (talk to it over pipes, then
 * wait_code()). */
#ifndef TEST_LIB_RUN_H
#define TEST_LIB_RUN_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* realloc, or abort. */
void *xrealloc(void *p, size_t n);

/* A NULL-terminated argument vector that grows. */
struct args {
  char **v;
  size_t n, cap;
};
void args_add(struct args *a, const char *s);
void args_addf(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Typed end marker for args_addv (a bare NULL may be an int). */
#define END ((const char *)NULL)
/* Appends every string up to END. */
void args_addv(struct args *a, ...) __attribute__((sentinel));
void args_free(struct args *a);

/* What the child gets. Without exec_path, it runs in_child and exits 0. */
struct spawn {
  const char *exec_path;  /* the program; argv[0] is given separately */
  bool search_path;       /* exec_path without a '/' is looked up in PATH */
  const char *stdin_data; /* NULL: /dev/null */
  int keep_fds[8];        /* left open (same numbers) in the child */
  int nkeep;
  int pty;                     /* > 0: this fd is a pty slave, made the controlling tty */
  void (*in_child)(void *arg); /* called in the child, fds set up, before the exec */
  void *in_child_arg;
};

struct result {
  int code;                /* exit code, or 128+signal */
  char *out, *err;         /* NUL-terminated */
  size_t out_len, err_len; /* their lengths: binary output may hold NULs */
};

/* Starts ARGV (argv[0] included) as O says; returns its pid and, for each
 * non-NULL pointer, the caller's end of a pipe to its stdin, stdout or
 * stderr (the others are /dev/null). Every other fd is closed in the
 * child but O's keep_fds, so a test controls exactly what it inherits. */
pid_t spawn_start(const struct spawn *o, char *const argv[], int *in_fd, int *out_fd, int *err_fd);
/* Runs ARGV, feeds it O's stdin_data, waits, and captures everything. */
void spawn_run(struct result *r, const struct spawn *o, char *const argv[]);
/* The exit code of PID, or 128+signal. */
int wait_code(pid_t pid);
void result_free(struct result *r);

/* Reads fd until EOF into a malloc'd string. */
char *slurp_fd(int fd);
/* The same, failing the test (naming WHAT) if EOF has not come after MS
 * milliseconds without data. */
char *slurp_fd_within(int fd, int ms, const char *what);
/* Reads one line from fd (unbuffered); false at EOF. */
bool read_line(int fd, char *buf, size_t len);
/* Reads one line, failing the test (naming WHAT) on EOF or after MS. */
void read_line_within(int fd, char *buf, size_t len, int ms, const char *what);
/* Waits up to MS for fd to become readable (or hang up). */
bool readable_within(int fd, int ms);
/* True if fd is at EOF right now (without blocking: every writer is gone). */
bool at_eof_now(int fd);

/* A memfd holding DATA (or TEXT), not CLOEXEC, positioned at its start:
 * data for a child to read from an inherited fd. */
int data_fd(const void *data, size_t len);
int text_fd(const char *text);

#endif
