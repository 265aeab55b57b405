/* optvalues.c: the values options take (capability names, ids, TCP port
 * lists, time offsets, resource limits), parsed and checked for cmdline.c's handlers. Bad
 * values end foil with one line naming the option.
 */
#include "optvalues.h"
#include "lockdown.h"
#include "utils.h"

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
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

/* A decimal number with an optional K, M, G or T (powers of 1024), at
   most MAX. */
static bool parse_binary_size(const char *s, unsigned long long max, unsigned long long *out)
{
  static const char suffixes[] = "KMGT";
  unsigned long long v;
  unsigned shift = 0;
  char *end;

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
  if (v > max >> shift)
    return false;
  *out = v << shift;
  return true;
}

/* One limit: "unlimited" or "infinity", or a size that stays below
   RLIM_INFINITY. */
static bool parse_rlimit_value(const char *s, rlim_t *out)
{
  unsigned long long v;

  if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0)
    {
      *out = RLIM_INFINITY;
      return true;
    }
  if (!parse_binary_size(s, (unsigned long long)RLIM_INFINITY - 1, &v))
    return false;
  *out = (rlim_t)v;
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

/* The limits of the kernel's cgroup v2 files: cpu.max's period and
   smallest quota (microseconds), pids.max's largest value. */
#define CPU_PERIOD_MIN 1000ULL
#define CPU_PERIOD_MAX 1000000ULL
#define CPU_PERIOD_DEFAULT 100000ULL
#define PIDS_LIMIT 4194304UL

/* --cpu-max QUOTA[/PERIOD] into cpu.max's "QUOTA PERIOD". */
static void parse_cpu_max(char *out, size_t size, const char *option, const char *arg)
{
  char quota[24];
  const char *slash = strchr(arg, '/');
  unsigned long q = 0, period = CPU_PERIOD_DEFAULT;
  size_t qlen = slash != NULL ? (size_t)(slash - arg) : strlen(arg);

  if (qlen >= sizeof quota)
    die("%s %s: invalid quota", option, arg);
  memcpy(quota, arg, qlen);
  quota[qlen] = '\0';
  if (slash != NULL &&
      (!parse_uint(slash + 1, CPU_PERIOD_MAX, &period) || period < CPU_PERIOD_MIN))
    die("%s %s: the period must be %llu to %llu microseconds", option, arg, CPU_PERIOD_MIN,
        CPU_PERIOD_MAX);
  if (strcmp(quota, "max") != 0 && (!parse_uint(quota, ULONG_MAX / 2, &q) || q < CPU_PERIOD_MIN))
    die("%s %s: the quota must be \"max\" or at least %llu microseconds", option, arg,
        CPU_PERIOD_MIN);
  snprintf(out, size, "%s %lu", quota, period);
}

/* --cpus N: N CPUs' worth of time per default period; N may be fractional. */
static void parse_cpus(char *out, size_t size, const char *option, const char *arg)
{
  char *end;
  double n;

  errno = 0;
  n = strtod(arg, &end);
  if (errno != 0 || end == arg || *end != '\0' || !(n >= 0.01 && n <= 65536))
    die("%s %s: must be a number of CPUs from 0.01 to 65536", option, arg);
  snprintf(out, size, "%llu %llu", (unsigned long long)(n * (double)CPU_PERIOD_DEFAULT + 0.5),
           CPU_PERIOD_DEFAULT);
}

void parse_cgroup_limit(struct cgroup_request *req, enum cgroup_limit which, const char *option,
                        const char *arg)
{
  char *out = req->value[which];
  const size_t size = sizeof req->value[which];
  unsigned long long bytes;
  unsigned long n;

  switch (which)
    {
    case CG_MEMORY_MAX:
    case CG_MEMORY_HIGH:
    case CG_MEMORY_SWAP_MAX:
      if (strcmp(arg, "max") == 0)
        snprintf(out, size, "max");
      else if (parse_binary_size(arg, ULLONG_MAX / 2, &bytes))
        snprintf(out, size, "%llu", bytes);
      else
        die("%s %s: invalid size (bytes, with K, M, G or T, or \"max\")", option, arg);
      if (which == CG_MEMORY_MAX && strlen(arg) < sizeof req->memory_max_arg)
        snprintf(req->memory_max_arg, sizeof req->memory_max_arg, "%s", arg);
      break;
    case CG_PIDS_MAX:
      if (strcmp(arg, "max") == 0)
        snprintf(out, size, "max");
      else if (parse_uint(arg, PIDS_LIMIT, &n) && n >= 1)
        snprintf(out, size, "%lu", n);
      else
        die("%s %s: must be \"max\" or 1 to %lu processes", option, arg, PIDS_LIMIT);
      break;
    case CG_CPU_MAX:
      if (strcmp(option, "--cpus") == 0)
        parse_cpus(out, size, option, arg);
      else
        parse_cpu_max(out, size, option, arg);
      break;
    case CG_CPU_WEIGHT:
    case CG_IO_WEIGHT:
      if (!parse_uint(arg, 10000, &n) || n < 1)
        die("%s %s: must be 1 to 10000", option, arg);
      snprintf(out, size, "%lu", n);
      break;
    case CG_N_LIMITS:
      break;
    }
  snprintf(req->option[which], sizeof req->option[which], "%s", option);
  req->used = true;
}

void parse_cgroup_dir(struct cgroup_request *req, const char *option, const char *arg)
{
  if (arg[0] == '\0' || strlen(arg) >= sizeof req->dir)
    die("%s: invalid directory \"%s\"", option, arg);
  snprintf(req->dir, sizeof req->dir, "%s", arg);
  req->used = true;
}
