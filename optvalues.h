/* optvalues.h: the values options take (see optvalues.c). */
#ifndef FOIL_OPTVALUES_H
#define FOIL_OPTVALUES_H

#include <stdbool.h>
#include <sys/types.h>
#include "foil.h"

/* --cap-add/--cap-drop NAME (or ALL): ADD or drop it in cfg's sets. */
void apply_capability_option(struct config *cfg, const char *option, const char *name,
                             bool add);
/* --uid/--gid: a numeric id, (uid_t)-1 excluded. */
uid_t parse_id(const char *option, const char *arg);
/* --allow-connect-tcp/--allow-bind-tcp PORT[,PORT...]: each a port or a
   range such as 8000-8080, added to RULES. */
void parse_port_list(struct tcp_port_rules *rules, const char *option, const char *arg);
/* --monotonic-offset/--boottime-offset: whole seconds, within what the
   kernel allows a time namespace. */
long long parse_time_offset(const char *option, const char *arg);
/* --rlimit NAME=SOFT[:HARD]: NAME as prlimit(1) spells it, SOFT and HARD
   decimal with an optional K, M, G or T (powers of 1024), or unlimited
   (infinity); recorded in cfg, replacing an earlier one for NAME. */
void parse_rlimit(struct config *cfg, const char *option, const char *arg);
/* The --rlimit settings against this process's limits, which the command
   inherits: none may raise a hard limit, nor a soft one above the hard. */
void check_rlimits(const struct config *cfg);

/* --memory-max, --pids-max, --cpu-max, --cpus...: checked and turned into
   the content of the cgroup file (see cgroup.c) in REQ. */
void parse_cgroup_limit(struct cgroup_request *req, enum cgroup_limit which, const char *option,
                        const char *arg);
/* --cgroup DIR. */
void parse_cgroup_dir(struct cgroup_request *req, const char *option, const char *arg);

#endif
