/* optvalues.c: the values options take (capability names, ids, TCP port
 * lists, time offsets, resource limits), parsed and checked for cmdline.c's handlers. Bad
 * values end foil with one line naming the option.
 */
#include "optvalues.h"
#include "lockdown.h"
#include "utils.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#define CAPS_ALL ((CAP_LAST_CAP >= 63) ? ~0ULL : ((1ULL << (CAP_LAST_CAP + 1)) - 1))

void apply_capability_option(struct config *cfg, const char *option, const char *name,
                             bool add)
{
  uint64_t mask;

  if (strcasecmp(name, "ALL") == 0)
    mask = CAPS_ALL;
  else
    {
      int cap = capability_from_name(name);
      if (cap < 0 || cap > CAP_LAST_CAP)
        die("%s: unknown capability %s", option, name);
      mask = 1ULL << cap;
    }
  cfg->caps_changed = true;
  if (add)
    {
      cfg->caps_add |= mask;
      cfg->caps_drop &= ~mask;
    }
  else
    {
      cfg->caps_drop |= mask;
      cfg->caps_add &= ~mask;
    }
}

uid_t parse_id(const char *option, const char *arg)
{
  unsigned long v;

  /* (uid_t)-1 means "unchanged" to the kernel, so it can't be a sandbox id. */
  if (!parse_uint(arg, 0xfffffffeUL, &v))
    die("%s takes a numeric id, not \"%s\"", option, arg);
  return (uid_t)v;
}

/* One item of --allow-connect-tcp/--allow-bind-tcp: "80" or "8000-8080". */
static bool parse_port_range(const char *item, struct port_range *range)
{
  char *copy = xstrdup(item), *dash = strchr(copy, '-');
  unsigned long first, last;
  bool ok;

  if (dash != NULL)
    *dash = '\0';
  ok = parse_uint(copy, 65535, &first) && first > 0;
  last = first;
  if (ok && dash != NULL)
    ok = parse_uint(dash + 1, 65535, &last) && last >= first;
  free(copy);
  range->first = (unsigned short)first;
  range->last = (unsigned short)last;
  return ok;
}

/* PORT[,PORT...], each a port or a range; added to what earlier uses of
   the option allowed. */
void parse_port_list(struct tcp_port_rules *rules, const char *option, const char *arg)
{
  char *list = xstrdup(arg), *rest = list, *item;

  while ((item = strsep(&rest, ",")) != NULL)
    {
      struct port_range range;

      if (!parse_port_range(item, &range))
        die("%s: \"%s\" is not a TCP port from 1 to 65535 or a range of them such as 8000-8080",
            option, item);
      rules->ranges = xrealloc(rules->ranges, sizeof *rules->ranges * (rules->n_ranges + 1));
      rules->ranges[rules->n_ranges++] = range;
    }
  free(list);
}

/* The kernel keeps a time namespace's clocks below KTIME_SEC_MAX / 2
   seconds, so no offset can be larger. */
#define MAX_TIME_OFFSET 4611686018LL

long long parse_time_offset(const char *option, const char *arg)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(arg, &end, 10);
  if ((*arg != '-' && (*arg < '0' || *arg > '9')) || *end != '\0' || errno != 0 ||
      v > MAX_TIME_OFFSET || v < -MAX_TIME_OFFSET)
    die("%s takes whole seconds from %lld to %lld, not \"%s\"", option, -MAX_TIME_OFFSET,
        MAX_TIME_OFFSET, arg);
  return v;
}

/* prlimit(1)'s names of the resources. */
static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
  { "as", RLIMIT_AS },
  { "core", RLIMIT_CORE },
  { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },
  { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },
  { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

/* One limit: "unlimited" or "infinity", or a decimal number with an
   optional K, M, G or T (powers of 1024) that stays below RLIM_INFINITY. */
static bool parse_rlimit_value(const char *s, rlim_t *out)
{
  static const char suffixes[] = "KMGT";
  unsigned long long v;
  unsigned shift = 0;
  char *end;

  if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0)
    {
      *out = RLIM_INFINITY;
      return true;
    }
  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0)
    return false;
  if (*end != '\0')
    {
      const char *suffix = strchr(suffixes, *end);

      if (suffix == NULL || end[1] != '\0')
        return false;
      shift = 10 * (unsigned)(suffix - suffixes + 1);
    }
  if (v > ((unsigned long long)RLIM_INFINITY - 1) >> shift)
    return false;
  *out = (rlim_t)(v << shift);
  return true;
}

void parse_rlimit(struct config *cfg, const char *option, const char *arg)
{
  const char *eq = strchr(arg, '=');
  size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg), i;
  struct rlimit_setting set = { .arg = arg };
  char *soft, *hard;
  bool ok;

  for (i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strlen(rlimit_names[i].name) == name_len && strncmp(arg, rlimit_names[i].name, name_len) == 0)
      break;
  if (i == sizeof rlimit_names / sizeof rlimit_names[0])
    die("%s %s: unknown resource %s%.*s%s", option, arg, name_len ? "" : "\"", (int)name_len, arg,
        name_len ? "" : "\"");
  set.resource = rlimit_names[i].resource;
  if (eq == NULL)
    die("%s %s: invalid value", option, arg);
  soft = xstrdup(eq + 1);
  hard = strchr(soft, ':');
  if (hard != NULL)
    *hard++ = '\0';
  set.hard_set = hard != NULL;
  ok = parse_rlimit_value(soft, &set.soft) && (hard == NULL || parse_rlimit_value(hard, &set.hard));
  free(soft);
  if (!ok)
    die("%s %s: invalid value", option, arg);
  if (set.hard_set && set.soft > set.hard)
    die("%s %s: the soft limit is above the hard limit", option, arg);
  for (i = 0; i < cfg->n_rlimits; i++)
    if (cfg->rlimits[i].resource == set.resource)
      {
        cfg->rlimits[i] = set;
        return;
      }
  cfg->rlimits = xrealloc(cfg->rlimits, sizeof *cfg->rlimits * (cfg->n_rlimits + 1));
  cfg->rlimits[cfg->n_rlimits++] = set;
}

/* Checked against this process's limits, which the command inherits (no
   process in between changes them). No mode raises a hard limit: in setuid
   and user-namespace mode no process of foil's holds CAP_SYS_RESOURCE where
   it counts, and root can raise its own before starting foil. */
void check_rlimits(const struct config *cfg)
{
  for (size_t i = 0; i < cfg->n_rlimits; i++)
    {
      const struct rlimit_setting *set = &cfg->rlimits[i];
      struct rlimit now;

      if (getrlimit(set->resource, &now) < 0)
        die_errno("--rlimit %s: getrlimit", set->arg);
      if (set->hard_set && set->hard > now.rlim_max)
        die("--rlimit %s: can't raise the hard limit above %llu (foil holds no CAP_SYS_RESOURCE)",
            set->arg, (unsigned long long)now.rlim_max);
      if (!set->hard_set && set->soft > now.rlim_max)
        die("--rlimit %s: the soft limit is above the hard limit %llu", set->arg,
            (unsigned long long)now.rlim_max);
    }
}
