/* lockdown.h: capabilities, seccomp programs and inherited fds, locked down
   before the payload runs (and in the processes that only wait). */
#ifndef FOIL_LOCKDOWN_H
#define FOIL_LOCKDOWN_H

#include <stddef.h>
#include <stdint.h>
#include "foil.h"

/* The number of capability NAME ("CAP_SYS_ADMIN" or "sys_admin", any case), or -1. */
int capability_from_name(const char *name);
/* Leave the payload exactly the capabilities it should have (see SECURITY.md). */
void drop_capabilities(const struct config *cfg, uint64_t caller_caps);
/* For processes that only wait or exit: no capability at all. */
void drop_every_capability(void);
/* Load the --seccomp/--add-seccomp-fd programs, in command-line order. */
void load_seccomp_programs(const struct config *cfg);
/* Close every fd from 3 up except the n given ones (negative entries ignored). */
void close_fds_except(int *keep, size_t n);

#endif
