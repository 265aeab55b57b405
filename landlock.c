/* landlock.c: the payload's Landlock domain. Landlock needs no privilege and
 * stacks on whatever domain the caller already runs in, so it works the same
 * in every mode. foil uses two of its features:
 *   scoping (ABI 6, Linux 6.12): --scope-abstract-unix, --scope-signals keep
 *     the payload from abstract unix sockets and processes outside its domain;
 *   TCP port rules (ABI 4, Linux 6.7): --allow-connect-tcp, --allow-bind-tcp.
 * The domain is entered by the setup process after no_new_privs and before
 * the seccomp programs (which may deny the Landlock system calls), so pid 1,
 * the payload and every child of theirs share it.
 */
#include "landlock.h"
#include "utils.h"

#include <errno.h>
#include <linux/landlock.h>
#include <linux/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's kernel headers (Linux 6.1, Landlock ABI 2) lack what came
   later; the values are the kernel's ABI and never change. */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)     /* ABI 4 */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)  /* ABI 4 */
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)  /* ABI 6 */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)  /* ABI 6 */
#endif
/* LANDLOCK_RULE_NET_PORT (ABI 4) is an enum constant, invisible to #ifndef. */
#define RULE_NET_PORT 2

/* The kernel's struct landlock_ruleset_attr as of ABI 6; older headers have
   only its first field. An older kernel accepts the longer struct as long as
   the fields it does not know are zero, which landlock_check() ensures. */
struct ruleset_attr {
  __u64 handled_access_fs;
  __u64 handled_access_net;   /* ABI 4 */
  __u64 scoped;               /* ABI 6 */
};

/* struct landlock_net_port_attr (ABI 4). */
struct net_port_attr {
  __u64 allowed_access;
  __u64 port;
};

#define ABI_TCP 4
#define ABI_SCOPES 6

static int landlock_errno;   /* why landlock_abi() found none */

int landlock_abi(void)
{
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

  /* ENOSYS: not built in; EOPNOTSUPP: disabled at boot; a seccomp filter
     of the caller's may answer anything. All mean "none" here. */
  if (abi < 0)
    {
      landlock_errno = errno;
      return 0;
    }
  return (int)abi;
}

/* A plain option the kernel cannot honour: one line with all the reader
   needs to know what to upgrade (or to use the -try form). */
static void refuse_unless_tried(bool required, const char *option, int need, const char *version,
                                int abi)
{
  if (!required)
    return;
  if (abi == 0)
    die("%s needs Landlock ABI %d (Linux %s); this kernel offers none (%s)", option, need, version,
        strerror(landlock_errno));
  die("%s needs Landlock ABI %d (Linux %s); this kernel offers ABI %d", option, need, version, abi);
}

void landlock_check(struct config *cfg)
{
  int abi;

  if (cfg->scopes == 0 && !cfg->tcp_connect.used && !cfg->tcp_bind.used)
    return;
  abi = landlock_abi();
  if (abi < ABI_SCOPES)
    {
      refuse_unless_tried(cfg->scopes_required & SCOPE_ABSTRACT_UNIX, "--scope-abstract-unix",
                          ABI_SCOPES, "6.12", abi);
      refuse_unless_tried(cfg->scopes_required & SCOPE_SIGNALS, "--scope-signals", ABI_SCOPES,
                          "6.12", abi);
      cfg->scopes = 0;
    }
  if (abi < ABI_TCP)
    {
      refuse_unless_tried(cfg->tcp_connect.required, "--allow-connect-tcp", ABI_TCP, "6.7", abi);
      refuse_unless_tried(cfg->tcp_bind.required, "--allow-bind-tcp", ABI_TCP, "6.7", abi);
      cfg->tcp_connect.used = cfg->tcp_bind.used = false;
    }
}

/* Landlock's net rules name one port each: a range is one rule per port. */
static void add_port_rules(int ruleset, const struct tcp_port_rules *rules, __u64 access,
                           const char *option)
{
  if (!rules->used)
    return;
  for (size_t i = 0; i < rules->n_ranges; i++)
    for (unsigned port = rules->ranges[i].first; port <= rules->ranges[i].last; port++)
      {
        struct net_port_attr attr = { .allowed_access = access, .port = port };

        if (syscall(SYS_landlock_add_rule, ruleset, RULE_NET_PORT, &attr, 0) < 0)
          die_errno("%s: Can't add a Landlock rule for port %u", option, port);
      }
}

static struct ruleset_attr wanted_ruleset(const struct config *cfg)
{
  struct ruleset_attr attr;

  memset(&attr, 0, sizeof attr);
  if (cfg->scopes & SCOPE_ABSTRACT_UNIX)
    attr.scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
  if (cfg->scopes & SCOPE_SIGNALS)
    attr.scoped |= LANDLOCK_SCOPE_SIGNAL;
  if (cfg->tcp_connect.used)
    attr.handled_access_net |= LANDLOCK_ACCESS_NET_CONNECT_TCP;
  if (cfg->tcp_bind.used)
    attr.handled_access_net |= LANDLOCK_ACCESS_NET_BIND_TCP;
  return attr;
}

void landlock_restrict(const struct config *cfg)
{
  struct ruleset_attr attr = wanted_ruleset(cfg);
  int fd;

  if (attr.scoped == 0 && attr.handled_access_net == 0)
    return;
  /* The kernel makes the ruleset fd close-on-exec; it is closed below anyway. */
  fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0)
    die_errno("Can't create a Landlock ruleset");
  add_port_rules(fd, &cfg->tcp_connect, LANDLOCK_ACCESS_NET_CONNECT_TCP, "--allow-connect-tcp");
  add_port_rules(fd, &cfg->tcp_bind, LANDLOCK_ACCESS_NET_BIND_TCP, "--allow-bind-tcp");
  if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
    die_errno("Can't enter the Landlock domain");
  close(fd);
}
