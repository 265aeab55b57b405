/* json.c: OCI runtime-spec seccomp profiles, with Docker's
 * extensions (archMap, includes/excludes, legacy `name`), compiled with the
 * meaning runc and crun give them:
 *   - rules are handed to libseccomp in file order, one filter;
 *   - a rule whose action equals the default action is skipped;
 *   - the args of a rule are ANDed, unless two of them compare the same
 *     argument: then every arg becomes a rule of its own (ORed);
 *   - SCMP_CMP_MASKED_EQ means (arg & value) == valueTwo;
 *   - unknown syscall names are skipped (an error with --strict);
 *   - Docker's includes/excludes are resolved for the build host's
 *     architecture, the capabilities given by --caps (none by default:
 *     right for an unprivileged sandbox) and the kernel version (--kernel,
 *     default: the running kernel).
 *
 * JSON is parsed with json-c: it is packaged in Debian (libjson-c5), small,
 * C-only, long maintained, already a dependency of many base-system
 * packages, and it keeps 64-bit unsigned integers exact, which seccomp
 * argument values need.  A hand-written parser would be one more thing to
 * get wrong in front of untrusted input.
 *
 * This front end does not go through struct sc_policy and build.c, on
 * purpose: build.c makes the most specific rule win, while runc and crun
 * give libseccomp the rules as they come, and a profile written for them
 * must mean here what it means there.  So the rules go straight into a
 * libseccomp context made and exported by emit.c, the one thing the two
 * paths share. */
#include "sc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <json-c/json.h>

#define PATH_LEN 128

struct jctx {
	const char *file;
	const struct sc_options *o;
	scmp_filter_ctx ctx;
	uint32_t def_action;
	const char *goarch;     /* the host in Docker's (Go's) naming */
	unsigned kmajor, kminor;
};

static void jerr(const struct jctx *j, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void jwarn(const struct jctx *j, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Messages about the value at `path` ("" for the document itself). */
static void jerr(const struct jctx *j, const char *path, const char *fmt, ...)
{
	struct sc_loc loc = { .file = j->file, .path = path };
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(&loc, SC_ERROR, fmt, ap);
	va_end(ap);
}

static void jwarn(const struct jctx *j, const char *path, const char *fmt, ...)
{
	struct sc_loc loc = { .file = j->file, .path = path };
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(&loc, SC_WARNING, fmt, ap);
	va_end(ap);
}

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a fractional number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "?";
}

static int want_type(const struct jctx *j, const char *path, json_object *v,
		     json_type t, const char *what)
{
	if (v && json_object_is_type(v, t))
		return 0;
	jerr(j, path, "expected %s, got %s", what, type_name(v));
	return -1;
}

static int get_uint(const struct jctx *j, const char *path, json_object *v,
		    uint64_t max, uint64_t *out)
{
	if (want_type(j, path, v, json_type_int, "a non-negative integer") < 0)
		return -1;
	if (json_object_get_int64(v) < 0) {
		jerr(j, path, "expected a non-negative integer, got %lld",
		     (long long)json_object_get_int64(v));
		return -1;
	}
	*out = json_object_get_uint64(v);
	if (*out > max) {
		jerr(j, path, "%llu is too large (at most %llu)",
		     (unsigned long long)*out, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* JSON paths for messages.  A path longer than PATH_LEN is cut short,
 * which only shortens a message. */
static void sub(char *dst, const char *path, const char *key)
{
	if (snprintf(dst, PATH_LEN, "%s%s%s", path, path[0] ? "." : "", key) >=
	    PATH_LEN)
		dst[PATH_LEN - 1] = '\0';
}

static void idx(char *dst, const char *path, size_t i)
{
	if (snprintf(dst, PATH_LEN, "%s[%zu]", path, i) >= PATH_LEN)
		dst[PATH_LEN - 1] = '\0';
}

/* Present and not an empty array (other types are then checked, with a
 * message, by whoever reads the value). */
static bool given(json_object *v)
{
	return v && (!json_object_is_type(v, json_type_array) ||
		     json_object_array_length(v) > 0);
}

static bool key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (strcmp(key, *keys) == 0)
			return true;
	return false;
}

/* Unknown keys are ignored, as the Go runtimes' JSON decoding does, but
 * said out loud: a typo such as "defualtAction" must not pass silently. */
static void warn_unknown_keys(const struct jctx *j, const char *path,
			      json_object *obj, const char *const *keys)
{
	json_object_object_foreach(obj, key, val) {
		(void)val;
		if (!key_in(key, keys)) {
			char p[PATH_LEN];

			sub(p, path, key);
			jwarn(j, p, "unknown key ignored");
		}
	}
}

struct action_name {
	const char *name;
	uint32_t action;
	bool takes_errno;
};

static const struct action_name actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
};

/* `action` + optional errno field -> libseccomp action (EPERM by default
 * for ERRNO and TRACE, as the runtime spec says). */
static int parse_action(const struct jctx *j, const char *path,
			json_object *obj, const char *akey, const char *ekey,
			uint32_t *out)
{
	char p[PATH_LEN], pe[PATH_LEN];
	json_object *a = NULL, *e = NULL;
	uint64_t err = EPERM;
	const char *name;

	sub(p, path, akey);
	sub(pe, path, ekey);
	if (!json_object_object_get_ex(obj, akey, &a)) {
		jerr(j, p, "missing (required)");
		return -1;
	}
	if (want_type(j, p, a, json_type_string, "a string such as "
		      "\"SCMP_ACT_ERRNO\"") < 0)
		return -1;
	name = json_object_get_string(a);
	json_object_object_get_ex(obj, ekey, &e);
	if (strcmp(name, "SCMP_ACT_NOTIFY") == 0) {
		jerr(j, p, "SCMP_ACT_NOTIFY needs a listener at load time and "
		     "cannot be stored in a precompiled program");
		return -1;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(name, actions[i].name) != 0)
			continue;
		if (e && !actions[i].takes_errno) {
			jerr(j, pe, "only valid with SCMP_ACT_ERRNO or "
			     "SCMP_ACT_TRACE, not %s", name);
			return -1;
		}
		if (e && get_uint(j, pe, e, 0xffff, &err) < 0)
			return -1;
		if (actions[i].takes_errno && err > 4095 &&
		    actions[i].action == SCMP_ACT_ERRNO(0)) {
			jerr(j, pe, "errno %llu is too large (at most 4095)",
			     (unsigned long long)err);
			return -1;
		}
		*out = actions[i].action | (actions[i].takes_errno ?
					    (uint32_t)err : 0);
		return 0;
	}
	jerr(j, p, "unknown action \"%s\" (expected SCMP_ACT_ALLOW, _ERRNO, "
	     "_KILL, _KILL_PROCESS, _KILL_THREAD, _TRAP, _TRACE or _LOG)", name);
	return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp token. */
static int parse_arch(const struct jctx *j, const char *path, json_object *v,
		      uint32_t *tok)
{
	const char *s;

	if (want_type(j, path, v, json_type_string, "an architecture name "
		      "such as \"SCMP_ARCH_X86_64\"") < 0)
		return -1;
	s = json_object_get_string(v);
	if (strncmp(s, "SCMP_ARCH_", 10) == 0) {
		char lower[32];
		size_t i;

		for (i = 0; s[10 + i] && i < sizeof(lower) - 1; i++)
			lower[i] = (char)tolower((unsigned char)s[10 + i]);
		lower[i] = '\0';
		*tok = seccomp_arch_resolve_name(lower);
		if (*tok)
			return 0;
	}
	jerr(j, path, "unknown architecture \"%s\"", s);
	return -1;
}

static int add_arch_token(const struct jctx *j, const char *path, uint32_t tok,
			  uint32_t *arches, unsigned *n)
{
	for (unsigned i = 0; i < *n; i++)
		if (arches[i] == tok)
			return 0;
	if (*n == SC_MAX_ARCHES) {
		jerr(j, path, "too many architectures");
		return -1;
	}
	arches[(*n)++] = tok;
	return 0;
}

static int arch_list(const struct jctx *j, const char *path, json_object *arr,
		     uint32_t *arches, unsigned *n)
{
	if (want_type(j, path, arr, json_type_array, "an array") < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		char p[PATH_LEN];
		uint32_t tok;

		idx(p, path, i);
		if (parse_arch(j, p, json_object_array_get_idx(arr, i), &tok) < 0 ||
		    add_arch_token(j, p, tok, arches, n) < 0)
			return -1;
	}
	return 0;
}

/* Docker's archMap: the entry for the host architecture, with its
 * sub-architectures.  No entry for the host: native only, like dockerd. */
static int arch_map(const struct jctx *j, json_object *map, uint32_t *arches,
		    unsigned *n)
{
	uint32_t native = seccomp_arch_native();

	if (want_type(j, "archMap", map, json_type_array, "an array") < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(map); i++) {
		json_object *e = json_object_array_get_idx(map, i), *a, *subs = NULL;
		static const char *const keys[] = { "architecture",
						    "subArchitectures", NULL };
		char p[PATH_LEN], pa[PATH_LEN];
		uint32_t tok;

		idx(p, "archMap", i);
		if (want_type(j, p, e, json_type_object, "an object") < 0)
			return -1;
		warn_unknown_keys(j, p, e, keys);
		sub(pa, p, "architecture");
		if (!json_object_object_get_ex(e, "architecture", &a)) {
			jerr(j, pa, "missing (required)");
			return -1;
		}
		if (parse_arch(j, pa, a, &tok) < 0)
			return -1;
		if (tok != native)
			continue;
		add_arch_token(j, pa, tok, arches, n);
		sub(pa, p, "subArchitectures");
		if (json_object_object_get_ex(e, "subArchitectures", &subs) &&
		    arch_list(j, pa, subs, arches, n) < 0)
			return -1;
	}
	return 0;
}

static int choose_arches(const struct jctx *j, json_object *root,
			 uint32_t *arches, unsigned *n)
{
	json_object *list = NULL, *map = NULL;
	bool has_list, has_map;

	*n = 0;
	has_list = json_object_object_get_ex(root, "architectures", &list) &&
		   given(list);
	has_map = json_object_object_get_ex(root, "archMap", &map) && given(map);
	if (has_list && has_map) {
		jerr(j, "", "both \"architectures\" and \"archMap\" are given; "
		     "use one of them");
		return -1;
	}
	if (has_list && arch_list(j, "architectures", list, arches, n) < 0)
		return -1;
	if (has_map && arch_map(j, map, arches, n) < 0)
		return -1;
	if (j->o->narches) {
		*n = j->o->narches;
		memcpy(arches, j->o->arches, *n * sizeof(*arches));
	}
	if (*n == 0)
		arches[(*n)++] = seccomp_arch_native();
	return 0;
}

static bool has_cap(const struct jctx *j, const char *cap)
{
	const char *list = j->o->caps, *s;
	size_t len = strlen(cap);

	if (!list)
		return false;
	if (strncasecmp(cap, "CAP_", 4) == 0) {
		cap += 4;
		len -= 4;
	}
	for (s = list; *s;) {
		size_t n = strcspn(s, ",");
		const char *c = s;

		if (n >= 4 && strncasecmp(c, "CAP_", 4) == 0) {
			c += 4;
			n -= 4;
		}
		if (n == len && strncasecmp(c, cap, len) == 0)
			return true;
		s = c + n;
		if (*s == ',')
			s++;
	}
	return false;
}

static int string_in_array(const struct jctx *j, const char *path,
			   json_object *arr, bool (*match)(const struct jctx *,
							  const char *),
			   bool want_all, bool *result)
{
	size_t n;

	if (want_type(j, path, arr, json_type_array, "an array of strings") < 0)
		return -1;
	n = json_object_array_length(arr);
	*result = want_all;
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		char p[PATH_LEN];
		bool m;

		idx(p, path, i);
		if (want_type(j, p, v, json_type_string, "a string") < 0)
			return -1;
		m = match(j, json_object_get_string(v));
		if (want_all && !m)
			*result = false;
		if (!want_all && m)
			*result = true;
	}
	return 0;
}

static bool is_host_arch(const struct jctx *j, const char *name)
{
	return strcmp(name, j->goarch) == 0;
}

static int kernel_at_least(const struct jctx *j, const char *path,
			   json_object *v, bool *result)
{
	unsigned maj, min;
	char end;

	if (want_type(j, path, v, json_type_string, "a kernel version such as "
		      "\"4.8\"") < 0)
		return -1;
	if (sscanf(json_object_get_string(v), "%u.%u%c", &maj, &min, &end) != 2) {
		jerr(j, path, "expected a kernel version such as \"4.8\", got "
		     "\"%s\"", json_object_get_string(v));
		return -1;
	}
	*result = j->kmajor > maj || (j->kmajor == maj && j->kminor >= min);
	return 0;
}

/* Docker's includes/excludes.  *skip is set when the rule does not apply to
 * this host, capability set and kernel. */
static int filter_obj(const struct jctx *j, const char *path, json_object *rule,
		      bool include, bool *skip)
{
	static const char *const keys[] = { "arches", "caps", "minKernel", NULL };
	const char *key = include ? "includes" : "excludes";
	json_object *obj, *v;
	char p[PATH_LEN], pk[PATH_LEN];
	bool m;

	sub(p, path, key);
	if (!json_object_object_get_ex(rule, key, &obj) || !obj)
		return 0;
	if (want_type(j, p, obj, json_type_object, "an object") < 0)
		return -1;
	warn_unknown_keys(j, p, obj, keys);
	sub(pk, p, "arches");
	if (json_object_object_get_ex(obj, "arches", &v) && given(v)) {
		if (string_in_array(j, pk, v, is_host_arch, false, &m) < 0)
			return -1;
		*skip |= include ? !m : m;
	}
	sub(pk, p, "caps");
	if (json_object_object_get_ex(obj, "caps", &v) && given(v)) {
		/* includes: all caps needed; excludes: any cap excludes */
		if (string_in_array(j, pk, v, has_cap, include, &m) < 0)
			return -1;
		*skip |= include ? !m : m;
	}
	sub(pk, p, "minKernel");
	if (json_object_object_get_ex(obj, "minKernel", &v) && v) {
		if (kernel_at_least(j, pk, v, &m) < 0)
			return -1;
		*skip |= include ? !m : m;
	}
	return 0;
}

static const struct { const char *name; enum scmp_compare op; } cmp_ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int parse_arg(const struct jctx *j, const char *path, json_object *a,
		     struct scmp_arg_cmp *c)
{
	static const char *const keys[] = { "index", "value", "valueTwo", "op",
					    NULL };
	json_object *v;
	char p[PATH_LEN];
	uint64_t x;

	memset(c, 0, sizeof(*c));
	if (want_type(j, path, a, json_type_object, "an object") < 0)
		return -1;
	warn_unknown_keys(j, path, a, keys);
	sub(p, path, "index");
	if (!json_object_object_get_ex(a, "index", &v)) {
		jerr(j, p, "missing (required)");
		return -1;
	}
	if (get_uint(j, p, v, SC_MAX_ARGS - 1, &x) < 0)
		return -1;
	c->arg = (unsigned)x;
	sub(p, path, "value");
	if (!json_object_object_get_ex(a, "value", &v)) {
		jerr(j, p, "missing (required)");
		return -1;
	}
	if (get_uint(j, p, v, UINT64_MAX, &c->datum_a) < 0)
		return -1;
	sub(p, path, "valueTwo");
	if (json_object_object_get_ex(a, "valueTwo", &v) &&
	    get_uint(j, p, v, UINT64_MAX, &c->datum_b) < 0)
		return -1;
	sub(p, path, "op");
	if (!json_object_object_get_ex(a, "op", &v)) {
		jerr(j, p, "missing (required)");
		return -1;
	}
	if (want_type(j, p, v, json_type_string, "a string such as "
		      "\"SCMP_CMP_EQ\"") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(cmp_ops) / sizeof(cmp_ops[0]); i++)
		if (strcmp(json_object_get_string(v), cmp_ops[i].name) == 0) {
			c->op = cmp_ops[i].op;
			return 0;
		}
	jerr(j, p, "unknown operator \"%s\" (expected SCMP_CMP_EQ, _NE, _LT, "
	     "_LE, _GT, _GE or _MASKED_EQ)", json_object_get_string(v));
	return -1;
}

static int add_json_rule(const struct jctx *j, const char *path,
			 const char *name, uint32_t action,
			 const struct scmp_arg_cmp *args, unsigned nargs)
{
	int nr = seccomp_syscall_resolve_name(name), err = 0;
	bool split = false;

	if (nr == __NR_SCMP_ERROR) {
		if (j->o->strict) {
			jerr(j, path, "unknown system call \"%s\" (--strict)", name);
			return -1;
		}
		jwarn(j, path, "unknown system call \"%s\" skipped", name);
		return 0;
	}
	for (unsigned a = 0; a < nargs; a++)
		for (unsigned b = a + 1; b < nargs; b++)
			split |= args[a].arg == args[b].arg;
	if (!split)
		err = seccomp_rule_add_array(j->ctx, action, nr, nargs, args);
	for (unsigned a = 0; split && a < nargs && (err == 0 || err == -EFAULT); a++)
		err = seccomp_rule_add_array(j->ctx, action, nr, 1, &args[a]);
	/* -EFAULT: the call exists on none of the chosen architectures. */
	if (err == 0 || err == -EFAULT)
		return 0;
	jerr(j, path, "libseccomp rejected the rule for \"%s\": %s", name,
	     strerror(-err));
	return -1;
}

static int rule_names(const struct jctx *j, const char *path, json_object *rule,
		      json_object **names, json_object **single)
{
	char p[PATH_LEN];
	bool has_names, has_name;

	*names = *single = NULL;
	has_names = json_object_object_get_ex(rule, "names", names) && *names;
	has_name = json_object_object_get_ex(rule, "name", single) && *single;
	if (has_names && has_name) {
		jerr(j, path, "use either \"name\" or \"names\", not both");
		return -1;
	}
	sub(p, path, has_name ? "name" : "names");
	if (has_name)
		return want_type(j, p, *single, json_type_string, "a string");
	if (!has_names) {
		jerr(j, p, "missing (required)");
		return -1;
	}
	if (want_type(j, p, *names, json_type_array, "an array of system "
		      "call names") < 0)
		return -1;
	if (json_object_array_length(*names) == 0) {
		jerr(j, p, "must name at least one system call");
		return -1;
	}
	return 0;
}

static int parse_rule(const struct jctx *j, const char *path, json_object *rule)
{
	static const char *const keys[] = { "names", "name", "action",
		"errnoRet", "errno", "args", "comment", "includes", "excludes",
		NULL };
	struct scmp_arg_cmp args[SC_MAX_ARGS];
	json_object *names, *single, *arr;
	unsigned nargs = 0;
	bool skip = false;
	uint32_t action;
	char p[PATH_LEN];

	if (want_type(j, path, rule, json_type_object, "an object") < 0)
		return -1;
	warn_unknown_keys(j, path, rule, keys);
	if (rule_names(j, path, rule, &names, &single) < 0 ||
	    parse_action(j, path, rule, "action", "errnoRet", &action) < 0 ||
	    filter_obj(j, path, rule, false, &skip) < 0 ||
	    filter_obj(j, path, rule, true, &skip) < 0)
		return -1;
	sub(p, path, "args");
	if (json_object_object_get_ex(rule, "args", &arr) && arr) {
		if (want_type(j, p, arr, json_type_array, "an array") < 0)
			return -1;
		if (json_object_array_length(arr) > SC_MAX_ARGS) {
			jerr(j, p, "at most %d comparisons", SC_MAX_ARGS);
			return -1;
		}
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			char pa[PATH_LEN];

			idx(pa, p, i);
			if (parse_arg(j, pa, json_object_array_get_idx(arr, i),
				      &args[nargs++]) < 0)
				return -1;
		}
	}
	if (skip || action == j->def_action)
		return 0;
	if (single)
		return add_json_rule(j, path, json_object_get_string(single),
				     action, args, nargs);
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		json_object *n = json_object_array_get_idx(names, i);
		char pn[PATH_LEN], pns[PATH_LEN];

		sub(pns, path, "names");
		idx(pn, pns, i);
		if (want_type(j, pn, n, json_type_string, "a string") < 0 ||
		    add_json_rule(j, pn, json_object_get_string(n), action, args,
				  nargs) < 0)
			return -1;
	}
	return 0;
}

static int check_top_level(const struct jctx *j, json_object *root)
{
	static const char *const keys[] = { "defaultAction", "defaultErrnoRet",
		"defaultErrno", "architectures", "archMap", "flags",
		"listenerPath", "listenerMetadata", "syscalls", NULL };
	json_object *v;

	warn_unknown_keys(j, "", root, keys);
	if (json_object_object_get_ex(root, "listenerPath", &v) && v &&
	    json_object_get_string_len(v) > 0) {
		jerr(j, "listenerPath", "user notification cannot be used with a "
		     "precompiled program");
		return -1;
	}
	if (json_object_object_get_ex(root, "flags", &v) && v &&
	    json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) > 0)
		jwarn(j, "flags", "filter flags are chosen by the program that "
		      "loads the filter; ignored");
	return 0;
}

static const char *host_goarch(void)
{
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64: return "amd64";
	case SCMP_ARCH_X86: return "386";
	case SCMP_ARCH_AARCH64: return "arm64";
	case SCMP_ARCH_ARM: return "arm";
	case SCMP_ARCH_PPC64LE: return "ppc64le";
	case SCMP_ARCH_PPC64: return "ppc64";
	case SCMP_ARCH_S390X: return "s390x";
	case SCMP_ARCH_S390: return "s390";
	case SCMP_ARCH_RISCV64: return "riscv64";
	case SCMP_ARCH_MIPSEL64: return "mips64le";
	case SCMP_ARCH_MIPS64: return "mips64";
	case SCMP_ARCH_MIPSEL: return "mipsle";
	case SCMP_ARCH_MIPS: return "mips";
	}
	return "unknown";
}

static json_object *parse_document(const char *name, const char *text)
{
	json_tokener *tok = json_tokener_new();
	size_t len = strlen(text), end;
	json_object *root;
	struct sc_loc loc = { .file = name, .line = 1, .col = 1 };

	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	for (size_t i = 0; i < end && i < len; i++) {
		loc.col = text[i] == '\n' ? 1 : loc.col + 1;
		loc.line += text[i] == '\n';
	}
	if (!root) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		sc_error_at(&loc, "invalid JSON: %s", e == json_tokener_continue ?
			    "unexpected end of input" : json_tokener_error_desc(e));
	} else {
		while (end < len && isspace((unsigned char)text[end]))
			end++;
		if (end < len) {
			sc_error_at(&loc, "invalid JSON: data after the end of "
				    "the document");
			json_object_put(root);
			root = NULL;
		}
	}
	json_tokener_free(tok);
	return root;
}

static int compile_rules(struct jctx *j, json_object *root)
{
	json_object *calls;

	if (!json_object_object_get_ex(root, "syscalls", &calls) || !calls)
		return 0;
	if (want_type(j, "syscalls", calls, json_type_array, "an array") < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(calls); i++) {
		char p[PATH_LEN];

		idx(p, "syscalls", i);
		if (parse_rule(j, p, json_object_array_get_idx(calls, i)) < 0)
			return -1;
	}
	return 0;
}

enum sc_status sc_build_json(const char *name, const char *text,
			     const struct sc_options *o, struct sc_prog *out)
{
	struct jctx j = { .file = name, .o = o, .goarch = host_goarch(),
			  .kmajor = o->kernel_major, .kminor = o->kernel_minor };
	uint32_t arches[SC_MAX_ARCHES];
	unsigned narches;
	json_object *root = parse_document(name, text);
	int r = -1;

	if (!root)
		return -1;
	if (want_type(&j, "", root, json_type_object, "a JSON object at the "
		      "top level") < 0 || check_top_level(&j, root) < 0 ||
	    parse_action(&j, "", root, "defaultAction", "defaultErrnoRet",
			 &j.def_action) < 0 ||
	    choose_arches(&j, root, arches, &narches) < 0)
		goto out;
	j.ctx = sc_new_ctx(j.def_action, arches, narches, o);
	if (!j.ctx)
		goto out;
	if (compile_rules(&j, root) == 0)
		r = sc_export_ctx(j.ctx, o, out);
	seccomp_release(j.ctx);
out:
	json_object_put(root);
	return r;
}
