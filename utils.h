/* utils.h: small helpers shared by foil's source files (no privileges here). */
#ifndef FOIL_UTILS_H
#define FOIL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FOIL_VERSION "0.1.0"
/* The bubblewrap release whose command line and behaviour foil follows. */
#define BWRAP_COMPAT_VERSION "0.11.1"

/* Name foil was invoked as (basename of argv[0]); prefixes every message. */
extern const char *prog_name;
/* argv[0] itself, as --help shows it (bwrap's usage line does). */
extern const char *prog_path;

void set_prog_name(const char *argv0);
void set_level_prefix(bool enabled);
/* Exit status of die() (default 1; --setup-error-status changes it). */
void set_error_exit_status(int status);
/* Also report errors as { "setup-error": "..." } lines on this fd (-1: off). */
void set_error_json_fd(int fd);
/* The status set_error_exit_status() set (1 by default). */
int error_exit_status_of_setup(void);
/* Print "<prog>: <message>" and exit 1. The _errno variants append strerror(errno). */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void die_errno(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);
/* die_errno("WHAT ARG"), or a line saying the kernel lacks the mount API. */
__attribute__((noreturn)) void die_mount_api(const char *what, const char *arg);

/* in as the inside of a JSON string, into out (size >= 4): quotes,
   backslashes, control characters and DEL escaped, well-formed UTF-8 kept,
   ill-formed UTF-8 replaced by \ufffd. False if it did not fit: then out
   ends with "..." after the last whole character or escape that did. */
bool json_escape(char *out, size_t size, const char *in);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);

/* Parse a whole decimal string; false on junk, sign or overflow. */
bool parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Parse an fd number the way bwrap does: decimal, >= 0, fits in int. */
bool parse_fd(const char *s, int *fd);
/* Parse an octal mode up to 07777. */
bool parse_octal_mode(const char *s, mode_t *mode);

/* Read all of fd into a new buffer (at most max_size bytes; E2BIG beyond). */
int read_all(int fd, size_t max_size, char **buf, size_t *len);
/* write() the whole buffer, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

/* fork() (FLAGS SIGCHLD) or clone(FLAGS) with no new stack. CGROUP_FD >= 0:
   the child starts in that cgroup (clone3 with CLONE_INTO_CGROUP) where the
   kernel allows it; spawned_in_cgroup() tells the child whether it does. */
pid_t spawn_clone(unsigned long flags, int cgroup_fd);
bool spawned_in_cgroup(void);
/* Open dirfd/path with flags and write the string; -1 with errno on failure. */
int write_file_at(int dirfd, const char *path, const char *content);

/* Strip leading slashes and "./" so a sandbox path can be used relative to the
   new root; "" means the root itself. Returns a new string. */
char *path_relative_to_root(const char *path);
/* Split a relative path into parent ("" when none) and last component, both
   newly allocated; trailing slashes are ignored. */
void path_split_leaf(const char *rel, char **parent, char **leaf);

/* A parameter a function may leave unused (one of a shared signature). */
#define UNUSED __attribute__((unused))

/* Retry a syscall expression while it fails with EINTR. */
#define RETRY_EINTR(expr) ({ long r_; do { r_ = (long)(expr); } while (r_ == -1 && errno == EINTR); r_; })

#endif
