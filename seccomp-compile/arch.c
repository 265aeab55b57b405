/* arch.c: architecture names and the default set, shared by the front end
 * (`arch` lines, --arch) and the back end. */
#include "sc.h"

#include <string.h>

int sc_resolve_arch(const char *name, uint32_t *token)
{
	*token = strcmp(name, "native") == 0 ? seccomp_arch_native()
					     : seccomp_arch_resolve_name(name);
	return *token ? 0 : -1;
}

/* The native ABI plus the 32-bit one its kernel runs too (x86 on x86_64,
 * arm on aarch64).  x32 is deliberately absent: its calls hit libseccomp's
 * bad-arch check and kill the process. */
int sc_default_arches(uint32_t *arches, unsigned *n)
{
	uint32_t native = seccomp_arch_native();

	*n = 0;
	arches[(*n)++] = native;
	if (native == SCMP_ARCH_X86_64)
		arches[(*n)++] = SCMP_ARCH_X86;
	else if (native == SCMP_ARCH_AARCH64)
		arches[(*n)++] = SCMP_ARCH_ARM;
	return 0;
}
