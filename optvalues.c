/* optvalues.c: the values options take (capability names, ids, TCP port
 * lists, time offsets), parsed and checked for cmdline.c's handlers. Bad
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
