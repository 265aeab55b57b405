/* landlock.h: Landlock scoping and TCP port rules for the payload. */
#ifndef FOIL_LANDLOCK_H
#define FOIL_LANDLOCK_H

#include "foil.h"

/* The Landlock ABI version this kernel offers; 0 when it has none. */
int landlock_abi(void);
/* Drop the -try requests the kernel cannot honour; die naming the first
   plain option it cannot. */
void landlock_check(struct config *cfg);
/* Confine this process and its future children as the options asked
   (nothing when none did). Needs no_new_privs; the ruleset fd is closed. */
void landlock_restrict(const struct config *cfg);

#endif
