/* sc.h: the internal header of seccomp-compile, a compiler from readable
 * system-call policies to the raw classic-BPF programs that
 * `foil --seccomp FD` (and bwrap) load.
 *
 * The files depend on each other in one direction only; each uses just the
 * files listed after it, never one above it:
 *
 *   main.c      driver: options, input detection, output, --check, listings
 *   policy.c    front end: line format -> struct sc_policy (the IR)
 *   json.c      front end: OCI/Docker JSON -> libseccomp, bypassing the IR
 *   build.c     back end: struct sc_policy -> one layered program
 *   emit.c      libseccomp context in, raw BPF out
 *   check.c     validator of raw programs
 *   arch.c      architecture names and the default set
 *   consts.c groups.c presets.c   data tables
 *   diag.c      program name, messages, allocation, reading files
 *
 * main -> policy, json, build, emit, check, groups, presets, arch, diag;
 * policy -> consts, groups, presets, arch, diag; json -> emit, diag;
 * build -> emit, arch, diag; emit -> diag; check, arch, consts, groups,
 * presets and diag use none of the others. */
#ifndef SC_H
#define SC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <seccomp.h>
#include <linux/filter.h>

/* The kernel refuses filters longer than this (BPF_MAXINSNS). */
#define SC_MAX_INSNS 4096
#define SC_MAX_ARCHES 8
#define SC_MAX_ARGS 6

/* Where a message points: FILE:LINE:COL of a line-format policy (also of
 * a JSON syntax error), or, with line 0, FILE alone plus, for a JSON
 * profile, the path of the value in question ("syscalls[3].names[0]"). */
struct sc_loc {
	const char *file;
	unsigned line, col;
	const char *path;
	bool builtin;      /* from a preset or a group: unknown names are fine */
};

struct sc_cond {
	unsigned arg;
	enum scmp_compare op;
	uint64_t datum_a, datum_b;
};

struct sc_rule {
	char *name;        /* system call name */
	uint32_t action;   /* libseccomp action */
	unsigned ncond;
	struct sc_cond cond[SC_MAX_ARGS];
	struct sc_loc loc;
};

/* A line-format policy after parsing: what the back end turns into BPF. */
struct sc_policy {
	uint32_t default_action;
	bool has_unknown;       /* `unknown ACTION` given */
	uint32_t unknown_action;
	unsigned narches;       /* 0: native + its 32-bit compat ABI */
	uint32_t arches[SC_MAX_ARCHES];
	struct sc_rule *rules;
	size_t nrules, cap;
	char **files;           /* names kept alive for sc_loc.file */
	size_t nfiles;
	unsigned depth;         /* include nesting */
};

/* What the module functions below return.  Every problem is reported on
 * stderr where it is found, except SC_UNREADABLE: the caller says which
 * file could not be read (errno tells why), where it knows the context. */
enum sc_status {
	SC_OK = 0,
	SC_FAILED = -1,
	SC_UNREADABLE = -2,
};

/* A compiled program. */
struct sc_prog {
	struct sock_filter *insns;
	size_t len;
};

enum sc_optimize { SC_OPT_LINEAR = 1, SC_OPT_TREE = 2 };

struct sc_options {
	bool strict;
	bool verbose;
	enum sc_optimize optimize;
	unsigned narches;       /* --arch; 0 = as the policy says */
	uint32_t arches[SC_MAX_ARCHES];
	const char *caps;       /* --caps for JSON includes/excludes */
	unsigned kernel_major, kernel_minor; /* --kernel for JSON minKernel */
	int explain_fd;         /* >= 0: write libseccomp's PFC listing here */
};

/* Locals released when they go out of scope, so that a function can return
 * early without a list of frees:  sc_autofree char *s = sc_xstrdup(x); */
static inline void sc_freep(void *p)
{
	free(*(void **)p);
}

static inline void sc_closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define sc_autofree __attribute__((cleanup(sc_freep)))
#define sc_autoclose __attribute__((cleanup(sc_closep)))

/* diag.c: messages ("PROGNAME: ..." on stderr, located ones pointing at
 * an sc_loc), allocation that exits on failure, whole files ("-" = stdin;
 * NULL + errno on error). */
enum sc_level { SC_ERROR, SC_WARNING };

/* The location of a message about a whole file. */
#define SC_FILE_LOC(name) (&(const struct sc_loc){ .file = (name) })

extern const char *sc_progname;
void sc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sc_error_at(const struct sc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sc_warn_at(const struct sc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sc_vreport_at(const struct sc_loc *loc, enum sc_level level,
		   const char *fmt, va_list ap);
void *sc_xmalloc(size_t n);
void *sc_xrealloc(void *p, size_t n);
char *sc_xstrdup(const char *s);
char *sc_read_file(const char *path, size_t *len);

/* policy.c: the line format. */
void sc_policy_init(struct sc_policy *p);
void sc_policy_free(struct sc_policy *p);
enum sc_status sc_policy_parse_file(struct sc_policy *p, const char *path);
enum sc_status sc_policy_parse_text(struct sc_policy *p, const char *name,
				    const char *text, bool builtin);

/* json.c: OCI runtime-spec / Docker JSON profiles. */
enum sc_status sc_build_json(const char *name, const char *text,
			     const struct sc_options *o, struct sc_prog *out);

/* build.c: policy -> BPF. */
enum sc_status sc_build_policy(const struct sc_policy *p,
			       const struct sc_options *o, struct sc_prog *out);

/* emit.c: a context with the attributes and architectures every program
 * gets; its program exported (and, with o->explain_fd, listed). */
scmp_filter_ctx sc_new_ctx(uint32_t def, const uint32_t *arches, unsigned n,
			   const struct sc_options *o);
enum sc_status sc_export_ctx(scmp_filter_ctx ctx, const struct sc_options *o,
			     struct sc_prog *out);
int sc_prog_append(struct sc_prog *dst, const struct sc_prog *src);
void sc_prog_free(struct sc_prog *p);

/* check.c: validate a raw program like the kernel would. */
int sc_validate(const struct sock_filter *insns, size_t len, char *why,
		size_t whylen);

/* arch.c: "native" or a libseccomp name -> token; the default set. */
int sc_resolve_arch(const char *name, uint32_t *token);
int sc_default_arches(uint32_t *arches, unsigned *n);

/* consts.c: named constants usable as argument values. */
bool sc_const_lookup(const char *name, uint64_t *value);
bool sc_errno_lookup(const char *name, int *value);

/* groups.c: systemd's @groups. */
struct sc_group {
	const char *name, *about, *members;
};
extern const char sc_groups_version[];
const struct sc_group *sc_group_find(const char *name);
const struct sc_group *sc_group_at(size_t i);

/* presets.c: built-in policies. */
struct sc_preset {
	const char *name, *about, *text;
};
const struct sc_preset *sc_preset_find(const char *name);
const struct sc_preset *sc_preset_at(size_t i);

#endif
