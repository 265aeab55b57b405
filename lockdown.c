/* lockdown.c: the last steps before the payload runs, and the waiting
 * processes' drop: capabilities (by name, as --cap-add/--cap-drop give
 * them), seccomp programs, and closing inherited file descriptors.
 */
#include "lockdown.h"
#include "privileged.h"
#include "utils.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char *const cap_names[] = {
  "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
  "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
  "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
  "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
  "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
  "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int capability_from_name(const char *name)
{
  if (strncasecmp(name, "CAP_", 4) == 0)
    name += 4;
  for (size_t i = 0; i < sizeof cap_names / sizeof cap_names[0]; i++)
    if (strcasecmp(name, cap_names[i]) == 0)
      return (int)i;
  return -1;
}

/* For processes that only wait or exit: no capability in any set, and an
   empty bounding set (a zombie still shows its sets until it is reaped).
   Caps already gone from the bounding set are skipped: dropping one needs
   CAP_SETPCAP, which may be gone too. */
void drop_every_capability(void)
{
  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      die_errno("Can't drop capability %d from the bounding set", cap);
  if (cap_sets_set_all(0) < 0)
    die_errno("Can't drop capabilities");
}

static uint64_t current_permitted_caps(void)
{
  struct cap_sets caps;

  if (cap_sets_get(&caps) < 0)
    die_errno("capget");
  return caps.permitted;
}

/* Leave the payload exactly the capabilities it should have: none, unless
   --cap-add (user namespace or root mode); root keeps its own by default. */
void drop_capabilities(const struct config *cfg, uint64_t caller_caps)
{
  uint64_t base = cfg->mode == MODE_ROOT ? caller_caps : 0;
  uint64_t keep = (base & ~cfg->caps_drop) | cfg->caps_add;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
  if (cfg->mode == MODE_ROOT && !cfg->caps_changed && current_permitted_caps() == keep)
    return;
  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      die_errno("Can't drop capability %d from the bounding set", cap);
  /* Exec as uid 0 must not hand back what was dropped. */
  if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) < 0)
    die_errno("Can't set securebits");
  if (cap_sets_set_all(keep) < 0)
    die_errno("Can't set capabilities");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    die_errno("Can't clear ambient capabilities");
  /* Ambient capabilities are what survives exec under SECBIT_NOROOT. */
  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if ((keep & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      die_errno("Can't keep capability %s", cap_names[cap]);
}

void load_seccomp_programs(const struct config *cfg)
{
  for (const struct seccomp_program *p = cfg->seccomp; p != NULL; p = p->next)
    {
      struct sock_fprog prog = { .len = p->len, .filter = p->insns };
      if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        {
          if (errno == EINVAL)
            die_errno("The kernel rejected the seccomp program from %s %d (invalid program, or "
                      "no CONFIG_SECCOMP_FILTER)", p->option, p->fd);
          die_errno("The kernel rejected the seccomp program from %s %d", p->option, p->fd);
        }
    }
}

static int compare_ints(const void *a, const void *b)
{
  return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Close every fd from 3 up except the n given ones (negative entries ignored). */
void close_fds_except(int *keep, size_t n)
{
  unsigned first = 3;

  if (n > 0)
    qsort(keep, n, sizeof *keep, compare_ints);
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < (int)first)
        continue;
      if ((unsigned)keep[i] > first && close_range(first, (unsigned)keep[i] - 1, 0) < 0)
        die_errno("close_range");
      first = (unsigned)keep[i] + 1;
    }
  if (close_range(first, ~0U, 0) < 0)
    die_errno("close_range");
}
