/* emit.c: libseccomp contexts in, raw BPF programs out.  Both the back end
 * (build.c) and the JSON front end (json.c) fill a context made here and
 * export it here. */
#include "sc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int set_attrs(scmp_filter_ctx ctx, const struct sc_options *o)
{
	/* Killing only the thread would leave a half-working process behind. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, o->optimize))
		return -1;
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const uint32_t *arches, unsigned n)
{
	uint32_t native = seccomp_arch_native();
	bool keep_native = false;

	for (unsigned i = 0; i < n; i++) {
		int r;

		if (arches[i] == native) {
			keep_native = true;
			continue;
		}
		r = seccomp_arch_add(ctx, arches[i]);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return keep_native ? 0 : seccomp_arch_remove(ctx, native);
}

/* A context with all architectures added before any rule: libseccomp does
 * not copy existing rules to an architecture added later. */
scmp_filter_ctx sc_new_ctx(uint32_t def, const uint32_t *arches, unsigned n,
			   const struct sc_options *o)
{
	scmp_filter_ctx ctx;

	/* A fixed API level keeps the output independent of the build host's
	 * kernel: level 3 has KILL_PROCESS and LOG. */
	seccomp_api_set(3);
	ctx = seccomp_init(def);
	if (!ctx) {
		sc_error("libseccomp cannot create a filter with this default "
			 "action");
		return NULL;
	}
	if (set_attrs(ctx, o) < 0 || add_arches(ctx, arches, n) < 0) {
		sc_error("libseccomp refused the architecture list");
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

enum sc_status sc_export_ctx(scmp_filter_ctx ctx, const struct sc_options *o,
			     struct sc_prog *out)
{
	sc_autoclose int fd = memfd_create("seccomp-compile", MFD_CLOEXEC);
	off_t size;
	int r;

	memset(out, 0, sizeof(*out));
	if (fd < 0) {
		sc_error("memfd_create: %s", strerror(errno));
		return -1;
	}
	r = seccomp_export_bpf(ctx, fd);
	size = lseek(fd, 0, SEEK_END);
	if (r < 0 || size <= 0 || size % sizeof(struct sock_filter) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		sc_error("libseccomp could not export the program: %s",
			 strerror(r < 0 ? -r : EIO));
		return -1;
	}
	out->len = (size_t)size / sizeof(struct sock_filter);
	out->insns = sc_xmalloc((size_t)size);
	if (read(fd, out->insns, (size_t)size) != size) {
		sc_error("reading the exported program back failed");
		sc_prog_free(out);
		return -1;
	}
	if (o && o->explain_fd >= 0) {
		fflush(stdout);
		seccomp_export_pfc(ctx, o->explain_fd);
	}
	return 0;
}

int sc_prog_append(struct sc_prog *dst, const struct sc_prog *src)
{
	dst->insns = sc_xrealloc(dst->insns, (dst->len + src->len) *
				 sizeof(struct sock_filter));
	memcpy(dst->insns + dst->len, src->insns,
	       src->len * sizeof(struct sock_filter));
	dst->len += src->len;
	return 0;
}

void sc_prog_free(struct sc_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}
