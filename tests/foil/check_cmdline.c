/* Unit tests of foil's command-line parser and path helpers (no namespaces,
   no privileges: these run anywhere). cmdline.c and the files below it are
   linked as they are; sandbox.c and its main() are not. */
#include "cmdline.h"
#include "callerns.h"
#include "bind-mount.h"
#include "lockdown.h"
#include "utils.h"
#include "../text-check.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct config cfg;

/* The parser keeps what it allocates for the life of the process (foil execs
   or exits right after); only memory errors are of interest here. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
  return "detect_leaks=0";
}

static void parse(enum run_mode mode, char **argv)
{
  int argc = 0;

  while (argv[argc])
    argc++;
  config_init(&cfg, mode, 1000, 1000);
  parse_args(&cfg, argc, argv);
  validate_config(&cfg);
}

/* Runs the parser in a child with stderr captured; returns its exit status
   and (in msg) the one line it printed. */
static int parse_failure(enum run_mode mode, char **argv, char *msg, size_t size)
{
  int err[2], status;
  ssize_t n;
  pid_t pid;

  ck_assert_int_eq(pipe(err), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0)
    {
      dup2(err[1], 2);
      parse(mode, argv);
      _exit(0);
    }
  close(err[1]);
  n = read(err[0], msg, size - 1);
  msg[n > 0 ? n : 0] = '\0';
  close(err[0]);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The data of --args or a seccomp program, on a pipe. */
static int data_pipe(const void *data, size_t len)
{
  int p[2];

  ck_assert_int_eq(pipe(p), 0);
  if (len > 0)
    ck_assert_int_eq(write(p[1], data, len), (ssize_t)len);
  close(p[1]);
  return p[0];
}

START_TEST(ops_keep_command_line_order)
{
  char *argv[] = { "--ro-bind", "/usr", "/usr", "--tmpfs", "/tmp", "--dir", "/a",
                   "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "true", NULL };
  enum op_type want[] = { OP_BIND, OP_TMPFS, OP_DIR, OP_SYMLINK, OP_PROC, OP_DEV };
  size_t i = 0;

  parse(MODE_USERNS, argv);
  for (struct setup_op *op = cfg.ops; op; op = op->next, i++)
    {
      ck_assert_uint_lt(i, 6);
      ck_assert_int_eq(op->type, want[i]);
    }
  ck_assert_uint_eq(i, 6);
  ck_assert_str_eq(cfg.ops->source, "/usr");
  ck_assert_uint_eq(cfg.ops->flags, BIND_READONLY);
  ck_assert_str_eq(cfg.command[0], "true");
}
END_TEST

START_TEST(bind_variants_set_flags)
{
  char *argv[] = { "--bind-try", "a", "b", "--dev-bind", "c", "d", "--dev-bind-try", "e", "f",
                   "--ro-bind-try", "g", "h", "--bind", "i", "j", "x", NULL };
  unsigned want[] = { BIND_TRY, BIND_DEVICES, BIND_DEVICES | BIND_TRY, BIND_READONLY | BIND_TRY, 0 };
  size_t i = 0;

  parse(MODE_USERNS, argv);
  for (struct setup_op *op = cfg.ops; op; op = op->next, i++)
    ck_assert_uint_eq(op->flags, want[i]);
  ck_assert_uint_eq(i, 5);
}
END_TEST

START_TEST(unshare_all_and_share_net)
{
  char *argv[] = { "--unshare-all", "--share-net", "x", NULL };

  parse(MODE_USERNS, argv);
  ck_assert(cfg.unshare_pid && cfg.unshare_ipc && cfg.unshare_uts && cfg.unshare_user_try);
  ck_assert(cfg.unshare_cgroup_try);
  ck_assert(!cfg.unshare_net);
}
END_TEST

START_TEST(double_dash_ends_options)
{
  char *argv[] = { "--dir", "/a", "--", "--not-an-option", "arg", NULL };

  parse(MODE_USERNS, argv);
  ck_assert_str_eq(cfg.command[0], "--not-an-option");
  ck_assert_str_eq(cfg.command[1], "arg");
}
END_TEST

START_TEST(uid_gid_hostname_env)
{
  char *argv[] = { "--uid", "0", "--gid", "42", "--unshare-uts", "--hostname", "box",
                   "--setenv", "FOIL_UNIT_A", "1", "--unsetenv", "FOIL_UNIT_B", "x", NULL };

  setenv("FOIL_UNIT_B", "2", 1);
  parse(MODE_USERNS, argv);
  ck_assert(cfg.uid_set && cfg.gid_set);
  ck_assert_uint_eq(cfg.sandbox_uid, 0);
  ck_assert_uint_eq(cfg.sandbox_gid, 42);
  ck_assert_str_eq(cfg.hostname, "box");
  ck_assert_str_eq(getenv("FOIL_UNIT_A"), "1");
  ck_assert_ptr_null(getenv("FOIL_UNIT_B"));
}
END_TEST

START_TEST(capability_names)
{
  ck_assert_int_eq(capability_from_name("CAP_SYS_ADMIN"), 21);
  ck_assert_int_eq(capability_from_name("sys_admin"), 21);
  ck_assert_int_eq(capability_from_name("cap_chown"), 0);
  ck_assert_int_eq(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
  ck_assert_int_eq(capability_from_name("CAP_NOPE"), -1);
}
END_TEST

START_TEST(cap_add_and_drop_in_order)
{
  char *argv[] = { "--cap-drop", "ALL", "--cap-add", "CAP_CHOWN", "--cap-add", "net_admin",
                   "--cap-drop", "CAP_NET_ADMIN", "x", NULL };

  parse(MODE_ROOT, argv);
  ck_assert(cfg.caps_changed);
  ck_assert_uint_eq(cfg.caps_add, 1);
  ck_assert(cfg.caps_drop & (1ULL << 12));
  ck_assert(!(cfg.caps_drop & 1));
}
END_TEST

START_TEST(overlay_sources_go_to_the_next_overlay)
{
  char *argv[] = { "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/m",
                   "--overlay-src", "/c", "--tmp-overlay", "/t", "x", NULL };
  struct setup_op *ro, *tmp;

  parse(MODE_USERNS, argv);
  ro = cfg.ops;
  tmp = ro->next;
  ck_assert_int_eq(ro->type, OP_OVERLAY);
  ck_assert_uint_eq(ro->flags, OVERLAY_RO);
  ck_assert_uint_eq(ro->n_layers, 2);
  ck_assert_str_eq(ro->layers[0], "/a");
  ck_assert_str_eq(ro->layers[1], "/b");
  ck_assert_uint_eq(tmp->flags, OVERLAY_TMP);
  ck_assert_uint_eq(tmp->n_layers, 1);
  ck_assert_str_eq(tmp->layers[0], "/c");
}
END_TEST

START_TEST(perms_and_size_apply_to_the_next_op_only)
{
  char *argv[] = { "--perms", "0700", "--size", "4096", "--tmpfs", "/t", "--tmpfs", "/u",
                   "--perms", "0640", "--file", "0", "/f", "--bind-data", "2", "/d", "x", NULL };
  struct setup_op *t, *u, *f, *d;

  parse(MODE_SETUID, argv);
  t = cfg.ops;
  u = t->next;
  f = u->next;
  d = f->next;
  ck_assert_uint_eq(t->perms, 0700);
  ck_assert_uint_eq(t->size, 4096);
  ck_assert_uint_eq(u->perms, 0755);
  ck_assert_uint_eq(u->size, 0);
  ck_assert_uint_eq(f->perms, 0640);
  ck_assert_uint_eq(d->perms, 0600);
}
END_TEST

START_TEST(args_fd_is_spliced_in_place)
{
  static const char words[] = "--dir\0/from-file\0--setenv\0FOIL_UNIT_C\0z\0";
  char fd_arg[16];
  char *argv[] = { "--dir", "/first", "--args", fd_arg, "--dir", "/last", "cmd", NULL };

  snprintf(fd_arg, sizeof fd_arg, "%d", data_pipe(words, sizeof words - 1));
  parse(MODE_USERNS, argv);
  ck_assert_str_eq(cfg.ops->dest, "/first");
  ck_assert_str_eq(cfg.ops->next->dest, "/from-file");
  ck_assert_str_eq(cfg.ops->next->next->dest, "/last");
  ck_assert_str_eq(getenv("FOIL_UNIT_C"), "z");
  ck_assert_str_eq(cfg.command[0], "cmd");
}
END_TEST

/* An --args file shorter than the two words it replaces (0 or 1 words). */
START_TEST(args_fd_with_fewer_words_than_it_replaces)
{
  static const char one[] = "--new-session\0";
  char fd_arg[16];
  char *argv[] = { "--args", fd_arg, "--dir", "/x", "--dir", "/y", "--tmpfs", "/t", "cmd", "arg", NULL };

  snprintf(fd_arg, sizeof fd_arg, "%d", data_pipe(one, _i == 0 ? 0 : sizeof one - 1));
  parse(MODE_USERNS, argv);
  ck_assert(cfg.new_session == (_i == 1));
  ck_assert_str_eq(cfg.ops->next->next->dest, "/t");
  ck_assert_str_eq(cfg.command[0], "cmd");
  ck_assert_str_eq(cfg.command[1], "arg");
  ck_assert_ptr_null(cfg.command[2]);
}
END_TEST

START_TEST(nested_args_refused)
{
  static const char words[] = "--args\0" "0\0";
  char fd_arg[16], msg[4096];
  char *argv[] = { "--args", fd_arg, "cmd", NULL };

  snprintf(fd_arg, sizeof fd_arg, "%d", data_pipe(words, sizeof words - 1));
  ck_assert_int_eq(parse_failure(MODE_USERNS, argv, msg, sizeof msg), 1);
  ck_assert_msg(strstr(msg, "--args not supported in arguments file"), "got \"%s\"", msg);
}
END_TEST

struct bad_line {
  enum run_mode mode;
  const char *want;      /* the message must contain this */
  char *argv[8];
};

/* Each ends foil with status 1 and exactly one line naming what is wrong. */
static const struct bad_line bad_lines[] = {
  { MODE_USERNS, "Unknown option --bogus", { "--bogus", "x" } },
  { MODE_USERNS, "--bind takes two arguments", { "--bind", "/only-one" } },
  { MODE_USERNS, "--uid takes a numeric id, not \"abc\"", { "--uid", "abc", "x" } },
  { MODE_USERNS, "--uid takes a numeric id, not \"-1\"", { "--uid", "-1", "x" } },
  { MODE_USERNS, "--gid takes a numeric id", { "--gid", "4294967295", "x" } },
  { MODE_USERNS, "--hostname requires --unshare-uts", { "--hostname", "h", "x" } },
  { MODE_USERNS, "--as-pid-1 requires --unshare-pid", { "--as-pid-1", "x" } },
  { MODE_USERNS, "unknown capability CAP_NOPE", { "--cap-add", "CAP_NOPE", "x" } },
  { MODE_USERNS, "--setenv: invalid variable name \"A=B\"", { "--setenv", "A=B", "c", "x" } },
  { MODE_USERNS, "Invalid fd: -1", { "--seccomp", "-1", "x" } },
  { MODE_USERNS, "Invalid fd: 0a", { "--seccomp", "0a", "x" } },
  { MODE_USERNS, "No command specified", { "--dir", "/a" } },
  { MODE_USERNS, "No command specified", { NULL } },
  { MODE_USERNS, "--perms must be followed by an option that creates a file",
    { "--perms", "0700", "--ro-bind", "/a", "/b", "x" } },
  { MODE_USERNS, "--perms given twice for the same action",
    { "--perms", "0700", "--perms", "0700", "--dir", "/d", "x" } },
  { MODE_USERNS, "--size takes a size in bytes greater than 0", { "--size", "0", "--tmpfs", "/t", "x" } },
  { MODE_USERNS, "--size must be followed by --tmpfs", { "--size", "10", "--dir", "/t", "x" } },
  { MODE_USERNS, "--argv0 used multiple times", { "--argv0", "a", "--argv0", "b", "x" } },
  { MODE_USERNS, "--overlay-src must be followed by another --overlay-src",
    { "--overlay-src", "/a", "--dir", "/d", "x" } },
  { MODE_USERNS, "--ro-overlay requires at least two --overlay-src",
    { "--overlay-src", "/a", "--ro-overlay", "/m", "x" } },
  { MODE_USERNS, "--overlay-src must be followed by another --overlay-src", { "--overlay-src", "/a", "x" } },
  { MODE_USERNS, "--tmp-overlay requires at least one --overlay-src", { "--tmp-overlay", "/m", "x" } },
  { MODE_USERNS, "--as-pid-1 and --lock-file is not permitted",
    { "--unshare-pid", "--as-pid-1", "--lock-file", "/l", "x" } },
  { MODE_USERNS, "--userns-block-fd requires --info-fd", { "--userns-block-fd", "3", "x" } },
  { MODE_USERNS, "--userns-block-fd requires --unshare-user",
    { "--userns-block-fd", "3", "--info-fd", "4", "x" } },
  { MODE_SETUID, "--cap-add in setuid mode can be used only by root", { "--cap-add", "CAP_SYS_ADMIN", "x" } },
  { MODE_SETUID, "--userns is not allowed in setuid mode", { "--userns", "3", "x" } },
  { MODE_SETUID, "--userns2 is not allowed in setuid mode", { "--userns2", "3", "x" } },
  { MODE_SETUID, "--pidns is not allowed in setuid mode", { "--pidns", "3", "x" } },
  { MODE_SETUID, "--userns-block-fd is not allowed in setuid mode", { "--userns-block-fd", "3", "x" } },
  { MODE_SETUID, "--overlay-src is not allowed in setuid mode: overlayfs in user namespaces",
    { "--overlay-src", "/a", "--tmp-overlay", "/m", "x" } },
  { MODE_SETUID, "--overlay is not allowed in setuid mode", { "--overlay", "/u", "/w", "/m", "x" } },
  { MODE_SETUID, "--tmp-overlay is not allowed in setuid mode", { "--tmp-overlay", "/m", "x" } },
  { MODE_SETUID, "--ro-overlay is not allowed in setuid mode", { "--ro-overlay", "/m", "x" } },
  { MODE_ROOT, "Specifying --uid requires --unshare-user", { "--uid", "5", "x" } },
};

START_TEST(bad_command_lines_fail_with_one_line)
{
  const struct bad_line *b = &bad_lines[_i];
  char msg[4096], *argv[8];

  memcpy(argv, b->argv, sizeof argv);
  ck_assert_int_eq(parse_failure(b->mode, argv, msg, sizeof msg), 1);
  ck_assert_msg(strncmp(msg, "foil: ", 6) == 0 && strstr(msg, b->want) != NULL,
                "want \"%s\", got \"%s\"", b->want, msg);
  ck_assert_msg(strchr(msg, '\n') == msg + strlen(msg) - 1, "not one line: \"%s\"", msg);
}
END_TEST

/* --help is generated from the option table: bwrap's layout, foil's own
   options marked, a long text continued under its column. */
START_TEST(help_comes_from_the_option_table)
{
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);

  ck_assert_ptr_nonnull(out);
  set_prog_name("/usr/bin/foil");
  print_usage(out);
  fclose(out);
  set_prog_name("foil");
  ck_assert_msg(strncmp(text, "usage: /usr/bin/foil [OPTIONS...] [--] COMMAND [ARGS...]\n\n", 58) == 0,
                "%s", text);
  ck_assert_ptr_nonnull(strstr(text, "\n    --bind SRC DEST              Bind mount the host path SRC on DEST\n"));
  ck_assert_ptr_nonnull(strstr(text, "\n    --args FD                    Parse NUL-separated args from FD\n"));
  ck_assert_ptr_nonnull(strstr(text, "\n    --overlay RWSRC WORKDIR DEST Mount overlayfs on DEST, with RWSRC as "
                                     "the host path for\n                                 writes and"));
  ck_assert_ptr_nonnull(strstr(text, "\n    --keep-fd FD                 (foil) With --close-fds"));
  ck_assert_ptr_null(strstr(text, "(foil) Bind"));
  free(text);
}
END_TEST

static int write_program(size_t bytes)
{
  char *buf = calloc(1, bytes + 1);
  int fd = data_pipe(buf, bytes);

  free(buf);
  return fd;
}

START_TEST(seccomp_program_is_read_and_counted)
{
  char fd_arg[16];
  char *argv[] = { "--add-seccomp-fd", fd_arg, "x", NULL };

  snprintf(fd_arg, sizeof fd_arg, "%d", write_program(3 * 8));
  parse(MODE_USERNS, argv);
  ck_assert_ptr_nonnull(cfg.seccomp);
  ck_assert_uint_eq(cfg.seccomp->len, 3);
}
END_TEST

START_TEST(seccomp_size_not_multiple_of_8)
{
  char fd_arg[16];
  char *argv[] = { "--seccomp", fd_arg, "x", NULL };

  snprintf(fd_arg, sizeof fd_arg, "%d", write_program(12));
  parse(MODE_USERNS, argv);
}
END_TEST

/* A 7-byte program: foil names the option and fd; invoked as bwrap it prints
   bwrap's exact line, which bwrap's own test suite matches. */
START_TEST(seccomp_size_message_names_option_and_fd)
{
  static const char *const options[] = { "--seccomp", "--add-seccomp-fd" };
  char fd_arg[16], msg[4096], want[128];
  char *argv[] = { (char *)options[_i % 2], fd_arg, "x", NULL };
  int fd = write_program(7);

  snprintf(fd_arg, sizeof fd_arg, "%d", fd);
  set_prog_name(_i < 2 ? "/usr/bin/foil" : "/usr/bin/bwrap");
  if (_i < 2)
    snprintf(want, sizeof want, "foil: Invalid seccomp data from %s %d: 7 bytes, not a multiple of 8\n",
             options[_i % 2], fd);
  else
    snprintf(want, sizeof want, "bwrap: Invalid seccomp data, must be multiple of 8\n");
  ck_assert_int_eq(parse_failure(MODE_USERNS, argv, msg, sizeof msg), 1);
  set_prog_name("foil");
  ck_assert_str_eq(msg, want);
}
END_TEST

START_TEST(seccomp_too_many_instructions)
{
  char fd_arg[16];
  char *argv[] = { "--seccomp", fd_arg, "x", NULL };

  /* The pipe buffer (64 KiB) holds 4097 instructions (32776 bytes). */
  snprintf(fd_arg, sizeof fd_arg, "%d", write_program(4097 * 8));
  parse(MODE_USERNS, argv);
}
END_TEST

START_TEST(seccomp_and_add_seccomp_fd_exclusive)
{
  char a[16], b[16];
  char *argv[] = { "--seccomp", a, "--add-seccomp-fd", b, "x", NULL };

  snprintf(a, sizeof a, "%d", write_program(8));
  snprintf(b, sizeof b, "%d", write_program(8));
  parse(MODE_USERNS, argv);
}
END_TEST

START_TEST(path_relative_to_root_normalises)
{
  static const char *cases[][2] = {
    { "/", "" }, { "", "" }, { "/usr", "usr" }, { "//a///b/", "a/b" }, { "./a/./b", "a/b" },
    { "/a/../b", "a/../b" }, { "a", "a" }, { "/./", "" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *r = path_relative_to_root(cases[i][0]);
      ck_assert_msg(strcmp(r, cases[i][1]) == 0, "%s -> %s, want %s", cases[i][0], r, cases[i][1]);
      free(r);
    }
}
END_TEST

START_TEST(path_split_leaf_cases)
{
  static const char *cases[][3] = {
    { "a/b/c", "a/b", "c" }, { "c", "", "c" }, { "a/b/", "a", "b" }, { "", "", "" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *parent, *leaf;
      path_split_leaf(cases[i][0], &parent, &leaf);
      ck_assert_str_eq(parent, cases[i][1]);
      ck_assert_str_eq(leaf, cases[i][2]);
      free(parent);
      free(leaf);
    }
}
END_TEST

START_TEST(number_parsers)
{
  unsigned long v;
  int fd;
  mode_t m;

  ck_assert(parse_uint("123", 1000, &v) && v == 123);
  ck_assert(!parse_uint("1001", 1000, &v));
  ck_assert(!parse_uint("-1", 1000, &v));
  ck_assert(!parse_uint("1x", 1000, &v));
  ck_assert(!parse_uint("", 1000, &v));
  ck_assert(!parse_uint(" 1", 1000, &v));
  ck_assert(parse_fd("0", &fd) && fd == 0);
  ck_assert(!parse_fd("0a", &fd));
  ck_assert(!parse_fd("2147483648", &fd));
  ck_assert(parse_octal_mode("0755", &m) && m == 0755);
  ck_assert(parse_octal_mode("7777", &m) && m == 07777);
  ck_assert(!parse_octal_mode("10000", &m));
  ck_assert(!parse_octal_mode("8", &m));
}
END_TEST

/* The in-root resolver must never leave the directory it is given as root,
   whatever symlinks lie in the way. */
START_TEST(open_or_create_dir_stays_in_root)
{
  char root[] = "/var/tmp/foil-unit-XXXXXX", outside[] = "/var/tmp/foil-unit-out-XXXXXX";
  char path[512];
  struct stat st;
  int root_fd, fd;

  ck_assert_ptr_nonnull(mkdtemp(root));
  ck_assert_ptr_nonnull(mkdtemp(outside));
  snprintf(path, sizeof path, "%s/abs", root);
  ck_assert_int_eq(symlink(outside, path), 0);
  snprintf(path, sizeof path, "%s/dotdot", root);
  ck_assert_int_eq(symlink("../../../../../../..", path), 0);
  root_fd = open(root, O_PATH | O_DIRECTORY);
  ck_assert_int_ge(root_fd, 0);

  /* A symlink whose target is missing inside the root is refused, not followed out. */
  fd = open_or_create_dir_in_root(root_fd, "abs/created", 0755);
  ck_assert_int_lt(fd, 0);
  fd = open_or_create_dir_in_root(root_fd, "dotdot/tmp/x/y", 0755);
  ck_assert_int_ge(fd, 0);
  close(fd);
  snprintf(path, sizeof path, "%s/created", outside);
  ck_assert_int_ne(stat(path, &st), 0);
  /* Once the link's target exists inside the root, it is followed there. */
  snprintf(path, sizeof path, "mkdir -p '%s%s'", root, outside);
  ck_assert_int_eq(system(path), 0);
  fd = open_or_create_dir_in_root(root_fd, "abs/created", 0755);
  ck_assert_int_ge(fd, 0);
  close(fd);
  snprintf(path, sizeof path, "%s/created", outside);
  ck_assert_int_ne(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s%s/created", root, outside);
  ck_assert_int_eq(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s/tmp/x/y", root);
  ck_assert_int_eq(stat(path, &st), 0);
  close(root_fd);
  snprintf(path, sizeof path, "rm -rf '%s' '%s'", root, outside);
  ck_assert_int_eq(system(path), 0);
}
END_TEST

/* Reads fd to its end into buf (NUL-terminated); returns the length. */
static size_t read_to_end(int fd, char *buf, size_t size)
{
  size_t used = 0;
  ssize_t n;

  while (used < size - 1 && (n = read(fd, buf + used, size - 1 - used)) > 0)
    used += (size_t)n;
  buf[used] = '\0';
  close(fd);
  return used;
}

/* Runs report(arg) in a child with stderr captured in err and, if json is
   not NULL, --json-status-fd pointed at a pipe captured there; returns the
   child's exit status. */
static int capture_report(void (*report)(const char *), const char *arg, char *err, size_t err_size,
                          char *json, size_t json_size)
{
  int e[2], j[2] = { -1, -1 }, status;
  pid_t pid;

  ck_assert_int_eq(pipe(e), 0);
  ck_assert_int_eq(pipe(j), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0)
    {
      dup2(e[1], 2);
      if (json != NULL)
        set_error_json_fd(j[1]);
      report(arg);
      _exit(0);
    }
  close(e[1]);
  close(j[1]);
  read_to_end(e[0], err, err_size);
  if (json != NULL)
    read_to_end(j[0], json, json_size);
  else
    close(j[0]);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void die_name_too_long(const char *path)
{
  errno = ENAMETOOLONG;
  die_errno("Can't chdir to %s", path);
}

/* "/x" and then 2500 two-byte characters: the odd start puts the cut in the
   middle of one. */
static char *long_utf8_path(void)
{
  char *path = malloc(2 + 2 * 2500 + 1);

  ck_assert_ptr_nonnull(path);
  strcpy(path, "/x");
  for (int i = 0; i < 2500; i++)
    strcat(path + 2 * i, "\xc3\xa9");
  return path;
}

START_TEST(long_error_keeps_its_reason)
{
  static const char tail[] = "...: File name too long\n";
  char *path = long_utf8_path(), err[8192];
  size_t len;

  ck_assert_int_eq(capture_report(die_name_too_long, path, err, sizeof err, NULL, 0), 1);
  len = strlen(err);
  ck_assert_msg(strncmp(err, "foil: Can't chdir to /x\xc3\xa9", 25) == 0, "got \"%.80s\"", err);
  ck_assert_msg(len > sizeof tail && strcmp(err + len - (sizeof tail - 1), tail) == 0,
                "the reason is cut off: \"...%s\"", err + (len > 80 ? len - 80 : 0));
  ck_assert_msg(strchr(err, '\n') == err + len - 1, "not one line");
  ck_assert_msg(text_utf8_valid(err, len), "the cut split a character: \"...%s\"", err + len - 40);
  ck_assert_uint_le(len, strlen("foil: ") + 4095 + 1);
  free(path);
}
END_TEST

struct escape_case {
  const char *in, *want;
};

static const struct escape_case escape_cases[] = {
  { "plain /path", "plain /path" },
  { "a\"b\\c", "a\\\"b\\\\c" },
  { "\n\t\x01\x1f\x7f", "\\u000a\\u0009\\u0001\\u001f\\u007f" },
  { "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e", "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e" }, /* é € 𝄞 kept */
  { "\xff", "\\ufffd" },
  { "a\xe2\x82", "a\\ufffd" },                /* a character cut short: one U+FFFD */
  { "\xe2\x82x", "\\ufffdx" },
  { "\xf0\x9f\x98!", "\\ufffd!" },
  { "\x80\xbf", "\\ufffd\\ufffd" },            /* lone continuation bytes */
  { "\xc0\xaf", "\\ufffd\\ufffd" },            /* overlong '/' */
  { "\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd" }, /* overlong, three bytes */
  { "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd" }, /* a surrogate */
  { "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* above U+10FFFF */
  { "\xf8\x88\x80\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd" },
  { "", "" },
};

START_TEST(json_escape_cases)
{
  const struct escape_case *c = &escape_cases[_i];
  char out[256];

  ck_assert(json_escape(out, sizeof out, c->in));
  ck_assert_msg(strcmp(out, c->want) == 0, "case %d: got \"%s\", want \"%s\"", _i, out, c->want);
  ck_assert(text_json_string_valid(out, strlen(out)));
}
END_TEST

/* At every buffer size, a cut output is a prefix of the whole one, ends in
   "..." right after a whole character or escape, and wastes no more room
   than the longest unit (6 bytes). */
START_TEST(json_escape_cuts_between_units)
{
  static const char in[] = "ab\xc3\xa9\"\x01\xff\xe2\x82\xac\\\xf0\x9d\x84\x9e\xe2\x82" "c\x7f";
  char full[256], out[256];
  size_t full_len;

  ck_assert(json_escape(full, sizeof full, in));
  full_len = strlen(full);
  ck_assert(text_json_string_valid(full, full_len));
  for (size_t size = 4; size <= full_len + 1; size++)
    {
      bool whole = json_escape(out, size, in);
      size_t len = strlen(out), kept = len - 3;

      ck_assert_uint_lt(len, size);
      if (size == full_len + 1)
        {
          ck_assert(whole);
          ck_assert_str_eq(out, full);
          continue;
        }
      ck_assert_msg(!whole && len >= 3 && strcmp(out + kept, "...") == 0, "size %zu: \"%s\"", size, out);
      ck_assert_msg(strncmp(out, full, kept) == 0, "size %zu: \"%s\" not a prefix", size, out);
      ck_assert_msg(text_json_string_valid(out, kept), "size %zu: cut inside a unit: \"%s\"", size, out);
      ck_assert_msg(kept + 6 > size - 4, "size %zu: stopped early: \"%s\"", size, out);
    }
}
END_TEST

static void die_bad_utf8_too_long(const char *path)
{
  errno = ENAMETOOLONG;
  die_errno("Can't chdir to \xff\t\x7f%s", path);
}

/* A long message with ill-formed UTF-8 and control characters: the
   setup-error line is one valid JSON line that keeps the reason. */
START_TEST(setup_error_json_line_is_valid)
{
  static const char head[] = "{ \"setup-error\": \"Can't chdir to \\ufffd\\u0009\\u007f/x\xc3\xa9";
  static const char tail[] = "...: File name too long\" }\n";
  char *path = long_utf8_path(), err[8192], *json = malloc(65536);
  size_t len;

  ck_assert_ptr_nonnull(json);
  ck_assert_int_eq(capture_report(die_bad_utf8_too_long, path, err, sizeof err, json, 65536), 1);
  len = strlen(json);
  ck_assert_msg(strchr(json, '\n') == json + len - 1, "not one line: \"%s\"", json);
  ck_assert_msg(text_setup_error_line_valid(json, len), "not valid JSON: \"%.100s...\"", json);
  ck_assert_msg(strncmp(json, head, sizeof head - 1) == 0, "got \"%.100s\"", json);
  ck_assert_msg(len > sizeof tail && strcmp(json + len - (sizeof tail - 1), tail) == 0,
                "the reason is cut off: \"...%s\"", json + (len > 80 ? len - 80 : 0));
  free(json);
  free(path);
}
END_TEST

/* Without validate_config(), which asks the kernel for its Landlock ABI:
   what the parser records does not depend on the kernel. */
START_TEST(landlock_and_time_options_are_recorded)
{
  char *argv[] = { "--allow-connect-tcp-try", "80,8000-8080", "--allow-connect-tcp-try", "443",
                   "--allow-bind-tcp", "65535", "--scope-signals-try", "--scope-abstract-unix",
                   "--unshare-time", "--monotonic-offset", "-5", "--boottime-offset", "86400",
                   "true", NULL };

  config_init(&cfg, MODE_USERNS, 1000, 1000);
  parse_args(&cfg, (int)(sizeof argv / sizeof argv[0]) - 1, argv);
  ck_assert(cfg.tcp_connect.used && !cfg.tcp_connect.required);
  ck_assert_uint_eq(cfg.tcp_connect.n_ranges, 3);
  ck_assert_uint_eq(cfg.tcp_connect.ranges[0].first, 80);
  ck_assert_uint_eq(cfg.tcp_connect.ranges[0].last, 80);
  ck_assert_uint_eq(cfg.tcp_connect.ranges[1].first, 8000);
  ck_assert_uint_eq(cfg.tcp_connect.ranges[1].last, 8080);
  ck_assert_uint_eq(cfg.tcp_connect.ranges[2].first, 443);
  ck_assert(cfg.tcp_bind.used && cfg.tcp_bind.required);
  ck_assert_uint_eq(cfg.tcp_bind.n_ranges, 1);
  ck_assert_uint_eq(cfg.tcp_bind.ranges[0].last, 65535);
  ck_assert_uint_eq(cfg.scopes, SCOPE_SIGNALS | SCOPE_ABSTRACT_UNIX);
  ck_assert_uint_eq(cfg.scopes_required, SCOPE_ABSTRACT_UNIX);
  ck_assert(cfg.unshare_time && cfg.monotonic_offset_set && cfg.boottime_offset_set);
  ck_assert(cfg.monotonic_offset == -5 && cfg.boottime_offset == 86400);
}
END_TEST

/* ---- the monitor's check of the namespaces it is handed (privileged.c) ---- */

static int open_ns(const char *name)
{
  char p[64];

  snprintf(p, sizeof p, "/proc/self/ns/%s", name);
  return open(p, O_RDONLY | O_CLOEXEC);
}

/* In a child: a user namespace U (the sandbox's, as the monitor sees it)
   owning new mount and uts namespaces; the check must accept exactly
   those, and refuse what a setup process the caller took over could send
   instead: namespaces of the caller's own (the host's, here: what a caller
   passes to foil through fd inheritance), one owned by a user namespace
   nested in U, a user namespace, other kinds of fd, a type twice, or no
   mount namespace. Exit 0: all as expected; 77: no user namespaces here. */
static int check_namespace_fds(void)
{
  int host_mnt = open_ns("mnt"), host_net = open_ns("net"), mnt, uts, user, nested_mnt, p[2], file;
  int types[JOIN_MAX_FDS];
  struct stat owner;
  char map[64];
  unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
  FILE *f;

  if (unshare(CLONE_NEWUSER) < 0)
    return 77;
  /* Mapped ids, so that a nested user namespace can be made below. */
  snprintf(map, sizeof map, "0 %u 1\n", uid);
  if ((f = fopen("/proc/self/uid_map", "w")) == NULL || fputs(map, f) < 0 || fclose(f) != 0)
    return 16;
  if ((f = fopen("/proc/self/setgroups", "w")) == NULL || fputs("deny", f) < 0 || fclose(f) != 0)
    return 17;
  snprintf(map, sizeof map, "0 %u 1\n", gid);
  if ((f = fopen("/proc/self/gid_map", "w")) == NULL || fputs(map, f) < 0 || fclose(f) != 0)
    return 18;
  if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
    return 10;
  user = open_ns("user");
  mnt = open_ns("mnt");
  uts = open_ns("uts");
  file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (host_mnt < 0 || host_net < 0 || user < 0 || mnt < 0 || uts < 0 || file < 0 ||
      pipe(p) < 0 || fstat(user, &owner) < 0)
    return 11;
  {
    int ok[2] = { uts, mnt };
    if (priv_check_namespaces(&owner, ok, 2, types) != 0 || types[0] != CLONE_NEWUTS ||
        types[1] != CLONE_NEWNS)
      return 12;
  }
  {
    int foreign[2] = { mnt, host_net }, host[1] = { host_mnt }, users[2] = { mnt, user };
    int twice[2] = { mnt, mnt }, no_mnt[1] = { uts }, pipes[2] = { mnt, p[0] }, files[2] = { mnt, file };
    if (priv_check_namespaces(&owner, foreign, 2, types) == 0 ||
        priv_check_namespaces(&owner, host, 1, types) == 0 ||
        priv_check_namespaces(&owner, users, 2, types) == 0 ||
        priv_check_namespaces(&owner, twice, 2, types) == 0 ||
        priv_check_namespaces(&owner, no_mnt, 1, types) == 0 ||
        priv_check_namespaces(&owner, pipes, 2, types) == 0 ||
        priv_check_namespaces(&owner, files, 2, types) == 0)
      return 13;
  }
  if (unshare(CLONE_NEWUSER) < 0 || unshare(CLONE_NEWNS) < 0)
    return 14;
  nested_mnt = open_ns("mnt");
  {
    int nested[1] = { nested_mnt };
    if (nested_mnt < 0 || priv_check_namespaces(&owner, nested, 1, types) == 0)
      return 15;
  }
  return 0;
}

START_TEST(join_accepts_only_the_sandboxs_namespaces)
{
  pid_t pid = fork();
  int status;

  ck_assert(pid >= 0);
  if (pid == 0)
    _exit(check_namespace_fds());
  ck_assert(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    {
      printf("SKIP join_accepts_only_the_sandboxs_namespaces: no user namespaces here\n");
      return;
    }
  ck_assert_msg(WEXITSTATUS(status) == 0, "namespace check failed at step %d", WEXITSTATUS(status));
}
END_TEST

/* ---- the command's state, from the setup process to the monitor (callerns.c) ---- */

START_TEST(callerns_state_round_trip)
{
  char *argv[] = { "--unshare-pid", "--chdir", "/x", "--argv0", "zero", "--new-session",
                   "--close-fds", "--keep-fd", "1", "--", "/bin/cmd", "a b", "", NULL };
  int sv[2], fds[1];
  uint64_t ids[N_REPORTED_NS] = { 1, 2, 3, 4, 5, 6, 7 };
  struct config out;
  struct callerns_state cs;
  size_t len;

  parse(MODE_SETUID, argv);
  ck_assert(callerns_layout(&cfg));
  ck_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  fds[0] = open_ns("mnt");
  ck_assert(fds[0] >= 0);
  callerns_send(sv[0], fds, 1, &cfg, "/x", true, ids);
  int got[JOIN_MAX_FDS];
  ck_assert_int_eq(callerns_receive_namespaces(sv[1], got, &len), 1);
  config_init(&out, MODE_SETUID, 1000, 1000);
  callerns_receive_state(sv[1], len, &out, &cs);
  ck_assert_str_eq(out.command[0], "/bin/cmd");
  ck_assert_str_eq(out.command[1], "a b");
  ck_assert_str_eq(out.command[2], "");
  ck_assert_ptr_null(out.command[3]);
  ck_assert_str_eq(out.argv0, "zero");
  ck_assert_str_eq(cs.cwd, "/x");
  ck_assert(out.new_session && out.close_fds && cs.pidns);
  ck_assert_int_eq((int)out.n_keep_fds, 1);
  ck_assert_int_eq(out.keep_fds[0], 1);
  ck_assert(cs.ns_ids[5] == 6);
  close(got[0]);
  close(fds[0]);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

/* A state cut short, or with a record longer than what follows, is a
   one-line error (exit 1), never a read past the buffer (ASan). */
static void receive_bytes(const void *data, size_t len, size_t claimed)
{
  int sv[2];
  struct config out;
  struct callerns_state cs;

  ck_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  ck_assert(write(sv[0], data, len) == (ssize_t)len);
  close(sv[0]);
  config_init(&out, MODE_SETUID, 1000, 1000);
  callerns_receive_state(sv[1], claimed, &out, &cs);
}

START_TEST(callerns_state_truncated)
{
  uint32_t rec[3] = { 1, 100, 0 };   /* TAG_ARG, 100 bytes, only 4 follow */
  receive_bytes(rec, sizeof rec, sizeof rec);
}
END_TEST

START_TEST(callerns_state_short)
{
  uint32_t rec[3] = { 1, 4, 0 };
  receive_bytes(rec, sizeof rec, sizeof rec + 10);
}
END_TEST

START_TEST(callerns_state_unterminated_string)
{
  uint32_t rec[3] = { 1, 4, 0x41414141 };
  receive_bytes(rec, sizeof rec, sizeof rec);
}
END_TEST

/* ---- --rlimit (optvalues.c; its hand-over in callerns.c) ---- */

/* Without validate_config(): what the parser records does not depend on
   this process's limits. A later --rlimit for a resource replaces the
   earlier one. */
START_TEST(rlimits_are_recorded)
{
  char *argv[] = { "--rlimit", "nofile=100:200", "--rlimit", "fsize=1K", "--rlimit", "as=2T:unlimited",
                   "--rlimit", "cpu=infinity", "--rlimit", "stack=8M:1G", "--rlimit", "nofile=5:7",
                   "--rlimit", "core=0:0", "true", NULL };
  const struct rlimit_setting *r;

  config_init(&cfg, MODE_USERNS, 1000, 1000);
  parse_args(&cfg, (int)(sizeof argv / sizeof argv[0]) - 1, argv);
  ck_assert_uint_eq(cfg.n_rlimits, 6);
  r = cfg.rlimits;
  ck_assert(r[0].resource == RLIMIT_NOFILE && r[0].hard_set && r[0].soft == 5 && r[0].hard == 7);
  ck_assert_str_eq(r[0].arg, "nofile=5:7");
  ck_assert(r[1].resource == RLIMIT_FSIZE && !r[1].hard_set && r[1].soft == 1024);
  ck_assert(r[2].resource == RLIMIT_AS && r[2].hard_set && r[2].soft == 2ULL << 40 && r[2].hard == RLIM_INFINITY);
  ck_assert(r[3].resource == RLIMIT_CPU && !r[3].hard_set && r[3].soft == RLIM_INFINITY);
  ck_assert(r[4].resource == RLIMIT_STACK && r[4].soft == 8ULL << 20 && r[4].hard == 1ULL << 30);
  ck_assert(r[5].resource == RLIMIT_CORE && r[5].hard_set && r[5].soft == 0 && r[5].hard == 0);
  ck_assert_ptr_eq(cfg.command[0], argv[14]);
}
END_TEST

/* --rlimit VALUE and the end of the one line it must end foil with. */
static const char *const bad_rlimits[][2] = {
  { "foo=1", "unknown resource foo" },
  { "NOFILE=1", "unknown resource NOFILE" },
  { "=5", "unknown resource \"\"" },
  { "nofile", "invalid value" },
  { "nofile=", "invalid value" },
  { "nofile=:5", "invalid value" },
  { "nofile=5:", "invalid value" },
  { "nofile=-1", "invalid value" },
  { "nofile=+1", "invalid value" },
  { "nofile= 1", "invalid value" },
  { "nofile=1.5", "invalid value" },
  { "nofile=1Q", "invalid value" },
  { "nofile=1KB", "invalid value" },
  { "nofile=K", "invalid value" },
  { "nofile=1:2:3", "invalid value" },
  { "nofile=0x10", "invalid value" },
  { "nofile=unlimitedK", "invalid value" },
  { "nofile=18446744073709551615", "invalid value" },
  { "nofile=99999999999999999999", "invalid value" },
  { "nofile=16777216T", "invalid value" },
  { "nofile=10:5", "the soft limit is above the hard limit" },
  { "nofile=unlimited:5", "the soft limit is above the hard limit" },
  { "as=1G:1023M", "the soft limit is above the hard limit" },
};

START_TEST(bad_rlimits_fail_with_one_line)
{
  char arg[64], msg[4096], want[256];
  char *argv[] = { "--rlimit", arg, "x", NULL };

  snprintf(arg, sizeof arg, "%s", bad_rlimits[_i][0]);
  snprintf(want, sizeof want, "foil: --rlimit %s: %s\n", bad_rlimits[_i][0], bad_rlimits[_i][1]);
  ck_assert_int_eq(parse_failure(MODE_USERNS, argv, msg, sizeof msg), 1);
  ck_assert_str_eq(msg, want);
}
END_TEST

/* validate_config() holds them against this process's limits: a hard limit
   can be lowered or kept, never raised; a soft one alone stays under the
   hard limit there is. */
START_TEST(rlimits_checked_against_our_limits)
{
  struct rlimit now;
  char arg[64], msg[4096], want[256];
  char *argv[] = { "--rlimit", arg, "x", NULL };
  unsigned long long hard;

  ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &now), 0);
  ck_assert_msg(now.rlim_max != RLIM_INFINITY, "RLIMIT_NOFILE cannot be unlimited");
  hard = (unsigned long long)now.rlim_max;
  snprintf(arg, sizeof arg, "nofile=1:%llu", hard);
  parse(MODE_USERNS, argv);
  ck_assert(cfg.n_rlimits == 1 && cfg.rlimits[0].hard == now.rlim_max);
  snprintf(arg, sizeof arg, "nofile=%llu", hard);
  parse(MODE_SETUID, argv);
  snprintf(arg, sizeof arg, "nofile=1:%llu", hard + 1);
  snprintf(want, sizeof want,
           "foil: --rlimit %s: can't raise the hard limit above %llu (foil holds no CAP_SYS_RESOURCE)\n", arg,
           hard);
  ck_assert_int_eq(parse_failure(MODE_ROOT, argv, msg, sizeof msg), 1);
  ck_assert_str_eq(msg, want);
  snprintf(arg, sizeof arg, "nofile=1:unlimited");
  snprintf(want, sizeof want,
           "foil: --rlimit %s: can't raise the hard limit above %llu (foil holds no CAP_SYS_RESOURCE)\n", arg,
           hard);
  ck_assert_int_eq(parse_failure(MODE_SETUID, argv, msg, sizeof msg), 1);
  ck_assert_str_eq(msg, want);
  snprintf(arg, sizeof arg, "nofile=%llu", hard + 1);
  snprintf(want, sizeof want, "foil: --rlimit %s: the soft limit is above the hard limit %llu\n", arg, hard);
  ck_assert_int_eq(parse_failure(MODE_USERNS, argv, msg, sizeof msg), 1);
  ck_assert_str_eq(msg, want);
}
END_TEST

/* Setuid mode's command is started by the monitor: the limits go with the
   rest of its state. */
START_TEST(callerns_state_carries_rlimits)
{
  char *argv[] = { "--rlimit", "nofile=10:20", "--rlimit", "core=0", "--", "/bin/cmd", NULL };
  int sv[2], fds[1], got[JOIN_MAX_FDS];
  uint64_t ids[N_REPORTED_NS] = { 0 };
  struct config out;
  struct callerns_state cs;
  size_t len;

  parse(MODE_SETUID, argv);
  ck_assert(callerns_layout(&cfg));
  ck_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  fds[0] = open_ns("mnt");
  ck_assert(fds[0] >= 0);
  callerns_send(sv[0], fds, 1, &cfg, "/", false, ids);
  ck_assert_int_eq(callerns_receive_namespaces(sv[1], got, &len), 1);
  config_init(&out, MODE_SETUID, 1000, 1000);
  callerns_receive_state(sv[1], len, &out, &cs);
  ck_assert_uint_eq(out.n_rlimits, 2);
  ck_assert(out.rlimits[0].resource == RLIMIT_NOFILE && out.rlimits[0].hard_set);
  ck_assert(out.rlimits[0].soft == 10 && out.rlimits[0].hard == 20);
  ck_assert_str_eq(out.rlimits[0].arg, "nofile=10:20");
  ck_assert(out.rlimits[1].resource == RLIMIT_CORE && !out.rlimits[1].hard_set && out.rlimits[1].soft == 0);
  ck_assert_str_eq(out.rlimits[1].arg, "core=0");
  close(got[0]);
  close(fds[0]);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

/* A record naming no resource the kernel has, or with its soft limit above
   its hard one, is refused with its own line (exit 1). */
START_TEST(callerns_state_malformed_rlimit)
{
  /* Record header (tag, length), soft and hard limits, resource, hard_set,
     then the argument. */
  uint32_t head[2] = { 10 /* TAG_RLIMIT */, 28 };
  uint64_t limits[2] = { 1, 2 };
  int32_t ints[2] = { RLIM_NLIMITS, 1 };
  char rec[36], msg[256];
  int err[2], status;
  ssize_t n;
  pid_t pid;

  if (_i == 1)
    {
      ints[0] = RLIMIT_NOFILE;
      limits[0] = 3;
    }
  memcpy(rec, head, sizeof head);
  memcpy(rec + 8, limits, sizeof limits);
  memcpy(rec + 24, ints, sizeof ints);
  memcpy(rec + 32, "x=1", 4);
  ck_assert_int_eq(pipe(err), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0)
    {
      dup2(err[1], 2);
      receive_bytes(rec, sizeof rec, sizeof rec);
      _exit(0);
    }
  close(err[1]);
  n = read(err[0], msg, sizeof msg - 1);
  msg[n > 0 ? n : 0] = '\0';
  close(err[0]);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  ck_assert_str_eq(msg, "foil: The sandbox handed over a malformed resource limit\n");
}
END_TEST

static Suite *unit_suite(void)
{
  Suite *s = suite_create("foil-unit");
  TCase *parser = tcase_create("parser"), *paths = tcase_create("paths");
  TCase *messages = tcase_create("messages");

  tcase_add_test(parser, ops_keep_command_line_order);
  tcase_add_test(parser, bind_variants_set_flags);
  tcase_add_test(parser, unshare_all_and_share_net);
  tcase_add_test(parser, double_dash_ends_options);
  tcase_add_test(parser, uid_gid_hostname_env);
  tcase_add_test(parser, capability_names);
  tcase_add_test(parser, cap_add_and_drop_in_order);
  tcase_add_loop_test(parser, bad_command_lines_fail_with_one_line, 0,
                      (int)(sizeof bad_lines / sizeof bad_lines[0]));
  tcase_add_test(parser, overlay_sources_go_to_the_next_overlay);
  tcase_add_test(parser, perms_and_size_apply_to_the_next_op_only);
  tcase_add_test(parser, args_fd_is_spliced_in_place);
  tcase_add_loop_test(parser, args_fd_with_fewer_words_than_it_replaces, 0, 2);
  tcase_add_test(parser, nested_args_refused);
  tcase_add_test(parser, seccomp_program_is_read_and_counted);
  tcase_add_test(parser, help_comes_from_the_option_table);
  tcase_add_test(parser, landlock_and_time_options_are_recorded);
  tcase_add_exit_test(parser, seccomp_size_not_multiple_of_8, 1);
  tcase_add_loop_test(parser, seccomp_size_message_names_option_and_fd, 0, 4);
  tcase_add_exit_test(parser, seccomp_too_many_instructions, 1);
  tcase_add_exit_test(parser, seccomp_and_add_seccomp_fd_exclusive, 1);
  tcase_add_test(paths, path_relative_to_root_normalises);
  tcase_add_test(paths, path_split_leaf_cases);
  tcase_add_test(paths, number_parsers);
  tcase_add_test(paths, open_or_create_dir_stays_in_root);
  suite_add_tcase(s, parser);
  suite_add_tcase(s, paths);
  tcase_add_test(messages, long_error_keeps_its_reason);
  tcase_add_loop_test(messages, json_escape_cases, 0, (int)(sizeof escape_cases / sizeof escape_cases[0]));
  tcase_add_test(messages, json_escape_cuts_between_units);
  tcase_add_test(messages, setup_error_json_line_is_valid);
  {
    TCase *join = tcase_create("callerns");
    tcase_add_test(join, join_accepts_only_the_sandboxs_namespaces);
    tcase_add_test(join, callerns_state_round_trip);
    tcase_add_exit_test(join, callerns_state_truncated, 1);
    tcase_add_exit_test(join, callerns_state_short, 1);
    tcase_add_exit_test(join, callerns_state_unterminated_string, 1);
    suite_add_tcase(s, join);
  }
  {
    TCase *rlimits = tcase_create("rlimit");
    tcase_add_test(rlimits, rlimits_are_recorded);
    tcase_add_loop_test(rlimits, bad_rlimits_fail_with_one_line, 0,
                        (int)(sizeof bad_rlimits / sizeof bad_rlimits[0]));
    tcase_add_test(rlimits, rlimits_checked_against_our_limits);
    tcase_add_test(rlimits, callerns_state_carries_rlimits);
    tcase_add_loop_test(rlimits, callerns_state_malformed_rlimit, 0, 2);
    suite_add_tcase(s, rlimits);
  }
  suite_add_tcase(s, messages);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(unit_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
