/* build.c: turns a parsed line-format policy into one BPF program.
 *
 * libseccomp keeps one action per system call and lets an unconditional
 * rule silently swallow conditional ones (allow clone + deny clone with
 * CLONE_NEWUSER compiles to "allow clone").  Policies need the opposite:
 * the specific rule must win.  So rules are resolved here first:
 *
 *   - unconditional rules: the last one for a system call wins;
 *   - conditional rules are tried before the unconditional rule of their
 *     system call; if several can match, the strictest action wins.
 *
 * Conditional rules whose system call has no other rule go straight into the
 * main filter.  The others are compiled into "layers", one per action, each a
 * complete libseccomp program whose default is a private sentinel action;
 * the layers are concatenated in front of the main filter and every
 * "return sentinel" becomes a jump to the start of the next layer.  The
 * result is still one program of the kind seccomp_export_bpf() writes. */
#include "sc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Never produced by a policy (the line format has no `trace` action). */
#define SC_SENTINEL SCMP_ACT_TRACE(0x5ccf)

struct sys_entry {
	int nr;
	const char *name;
	bool has_uncond;
	uint32_t uncond_action;
	bool layered;        /* its conditional rules go into layers */
};

struct resolved {
	struct sys_entry *sys;
	size_t nsys;
	int *rule_sys;       /* per rule: index into sys, or -1 if skipped */
	uint32_t main_default;
};

/* Higher is stricter, following the kernel's precedence of actions. */
static int action_rank(uint32_t action)
{
	switch (action & 0xffff0000u) {
	case SCMP_ACT_KILL_PROCESS: return 7;
	case SCMP_ACT_KILL_THREAD: return 6;
	case SCMP_ACT_TRAP: return 5;
	case 0x00050000u: return 4;                 /* ERRNO */
	case SCMP_ACT_NOTIFY: return 3;
	case 0x7ff00000u: return 2;                 /* TRACE */
	case SCMP_ACT_LOG: return 1;
	default: return 0;                          /* ALLOW */
	}
}

static struct sys_entry *find_sys(struct resolved *rs, int nr, size_t *idx)
{
	for (size_t i = 0; i < rs->nsys; i++)
		if (rs->sys[i].nr == nr) {
			*idx = i;
			return &rs->sys[i];
		}
	return NULL;
}

static struct sys_entry *get_sys(struct resolved *rs, int nr, const char *name,
				 size_t *idx)
{
	struct sys_entry *e = find_sys(rs, nr, idx);

	if (e)
		return e;
	rs->sys = sc_xrealloc(rs->sys, (rs->nsys + 1) * sizeof(*rs->sys));
	e = &rs->sys[rs->nsys];
	memset(e, 0, sizeof(*e));
	e->nr = nr;
	e->name = name;
	*idx = rs->nsys++;
	return e;
}

enum name_status { NAME_KNOWN, NAME_SKIPPED, NAME_REFUSED };

/* The number of the rule's system call in *nr, or why there is none.  A
 * name libseccomp does not know is skipped with a warning, or refused
 * under --strict; in a preset or group it is skipped quietly. */
static enum name_status resolve_name(const struct sc_rule *r,
				     const struct sc_options *o, int *nr)
{
	*nr = seccomp_syscall_resolve_name(r->name);
	if (*nr != __NR_SCMP_ERROR)
		return NAME_KNOWN;
	if (r->loc.builtin) {
		if (o->verbose)
			sc_warn_at(&r->loc, "'%s' is unknown to this libseccomp; "
				   "skipped", r->name);
		return NAME_SKIPPED;
	}
	if (o->strict) {
		sc_error_at(&r->loc, "unknown system call '%s' (--strict)",
			    r->name);
		return NAME_REFUSED;
	}
	sc_warn_at(&r->loc, "unknown system call '%s'; rule skipped", r->name);
	return NAME_SKIPPED;
}

/* Every system call name libseccomp knows for the target architectures.
 * x32 and MIPS number their calls from an offset, hence the bases. */
static void add_known(struct resolved *rs, const uint32_t *arches, unsigned n,
		      uint32_t def)
{
	static const int bases[] = { 0, 4000, 5000, 6000, 0x40000000 };

	for (unsigned a = 0; a < n; a++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			for (int i = 0; i < 1024; i++) {
				char *name = seccomp_syscall_resolve_num_arch(
					arches[a], bases[b] + i);
				int nr;
				size_t idx;
				struct sys_entry *e;

				if (!name)
					continue;
				nr = seccomp_syscall_resolve_name(name);
				free(name);
				if (nr == __NR_SCMP_ERROR)
					continue;
				e = get_sys(rs, nr, NULL, &idx);
				if (!e->has_uncond) {
					e->has_uncond = true;
					e->uncond_action = def;
				}
			}
}

/* libseccomp's compile time grows steeply with the number of conditional
 * rules on one system call (400 two-argument rules take seconds); no sane
 * policy needs this many, and a policy must not be able to hang the build. */
#define MAX_COND_RULES_PER_CALL 256

static int check_rule_counts(const struct sc_policy *p,
			     const struct resolved *rs)
{
	sc_autofree unsigned *count = sc_xmalloc((rs->nsys + 1) *
						  sizeof(unsigned));

	memset(count, 0, (rs->nsys + 1) * sizeof(unsigned));
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sc_rule *rule = &p->rules[i];

		if (rs->rule_sys[i] < 0 || rule->ncond == 0 ||
		    ++count[rs->rule_sys[i]] <= MAX_COND_RULES_PER_CALL)
			continue;
		sc_error_at(&rule->loc, "more than %d conditional rules for "
			    "'%s'", MAX_COND_RULES_PER_CALL, rule->name);
		return -1;
	}
	return 0;
}

static int resolve(const struct sc_policy *p, const uint32_t *arches,
		   unsigned narches, const struct sc_options *o,
		   struct resolved *rs)
{
	bool unknown_mode = p->has_unknown &&
			    p->unknown_action != p->default_action;

	memset(rs, 0, sizeof(*rs));
	rs->rule_sys = sc_xmalloc((p->nrules + 1) * sizeof(int));
	rs->main_default = unknown_mode ? p->unknown_action : p->default_action;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sc_rule *r = &p->rules[i];
		enum name_status status;
		struct sys_entry *e;
		size_t idx;
		int nr;

		rs->rule_sys[i] = -1;
		status = resolve_name(r, o, &nr);
		if (status == NAME_REFUSED)
			return SC_FAILED;
		if (status == NAME_SKIPPED)
			continue;
		e = get_sys(rs, nr, r->name, &idx);
		rs->rule_sys[i] = (int)idx;
		if (r->ncond == 0) {
			e->has_uncond = true;
			e->uncond_action = r->action;
		}
	}
	if (unknown_mode)
		add_known(rs, arches, narches, p->default_action);
	return check_rule_counts(p, rs);
}

static uint32_t fallback_of(const struct sys_entry *e, const struct sc_policy *p)
{
	return e->has_uncond ? e->uncond_action : p->default_action;
}

/* Drops conditional rules that cannot change anything and decides which
 * system calls need layers. */
static void plan_layers(const struct sc_policy *p, struct resolved *rs,
			bool *keep)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sc_rule *r = &p->rules[i];
		struct sys_entry *e;

		keep[i] = false;
		if (rs->rule_sys[i] < 0 || r->ncond == 0)
			continue;
		e = &rs->sys[rs->rule_sys[i]];
		if (r->action == fallback_of(e, p))
			continue;
		keep[i] = true;
		if (e->has_uncond || rs->main_default != p->default_action)
			e->layered = true;
	}
	/* Two different conditional actions on one call need layers too, so
	 * that the strictest one wins whatever the order of the lines. */
	for (size_t i = 0; i < p->nrules; i++)
		for (size_t j = i + 1; keep[i] && j < p->nrules; j++)
			if (keep[j] && rs->rule_sys[i] == rs->rule_sys[j] &&
			    p->rules[i].action != p->rules[j].action)
				rs->sys[rs->rule_sys[i]].layered = true;
}

static int add_rule(scmp_filter_ctx ctx, const struct sc_rule *r, int nr)
{
	struct scmp_arg_cmp cmp[SC_MAX_ARGS];
	int err;

	for (unsigned i = 0; i < r->ncond; i++) {
		cmp[i].arg = r->cond[i].arg;
		cmp[i].op = r->cond[i].op;
		cmp[i].datum_a = r->cond[i].datum_a;
		cmp[i].datum_b = r->cond[i].datum_b;
	}
	err = seccomp_rule_add_array(ctx, r->action, nr, r->ncond, cmp);
	/* -EFAULT: a call that exists on none of the target architectures. */
	if (err == 0 || err == -EFAULT)
		return 0;
	sc_error_at(&r->loc, "libseccomp rejected the rule for '%s': %s",
		    r->name, strerror(-err));
	return -1;
}

static int add_uncond(scmp_filter_ctx ctx, const struct sys_entry *e,
		      uint32_t def)
{
	int err;

	if (!e->has_uncond || e->uncond_action == def)
		return 0;
	err = seccomp_rule_add(ctx, e->uncond_action, e->nr, 0);
	if (err == 0 || err == -EFAULT)
		return 0;
	sc_error("libseccomp rejected the rule for '%s': %s",
		 e->name ? e->name : "?", strerror(-err));
	return -1;
}

static int build_main(const struct sc_policy *p, const struct resolved *rs,
		      const bool *keep, const uint32_t *arches, unsigned narches,
		      const struct sc_options *o, struct sc_prog *out)
{
	scmp_filter_ctx ctx = sc_new_ctx(rs->main_default, arches, narches, o);
	int r = 0;

	if (!ctx)
		return -1;
	for (size_t i = 0; r == 0 && i < rs->nsys; i++)
		r = add_uncond(ctx, &rs->sys[i], rs->main_default);
	for (size_t i = 0; r == 0 && i < p->nrules; i++)
		if (keep[i] && !rs->sys[rs->rule_sys[i]].layered)
			r = add_rule(ctx, &p->rules[i], rs->sys[rs->rule_sys[i]].nr);
	if (r == 0) {
		if (o->explain_fd >= 0)
			dprintf(o->explain_fd, "#\n# main filter (default "
				"action and unconditional rules)\n#\n");
		r = sc_export_ctx(ctx, o, out);
	}
	seccomp_release(ctx);
	return r;
}

static int build_layer(const struct sc_policy *p, const struct resolved *rs,
		       const bool *keep, uint32_t action, unsigned index,
		       const uint32_t *arches, unsigned narches,
		       const struct sc_options *o, struct sc_prog *out)
{
	scmp_filter_ctx ctx = sc_new_ctx(SC_SENTINEL, arches, narches, o);
	int r = 0;

	if (!ctx)
		return -1;
	for (size_t i = 0; r == 0 && i < p->nrules; i++)
		if (keep[i] && p->rules[i].action == action &&
		    rs->sys[rs->rule_sys[i]].layered)
			r = add_rule(ctx, &p->rules[i], rs->sys[rs->rule_sys[i]].nr);
	if (r == 0) {
		if (o->explain_fd >= 0)
			dprintf(o->explain_fd, "#\n# layer %u: conditional rules "
				"that override other rules; TRACE(0x5ccf) below "
				"means \"go on to the next layer\"\n#\n", index);
		r = sc_export_ctx(ctx, o, out);
	}
	seccomp_release(ctx);
	return r;
}

/* Replaces each "return sentinel" of a layer by a jump just past its end,
 * i.e. to the first instruction of the next layer or the main filter. */
static void link_layer(struct sc_prog *layer)
{
	for (size_t i = 0; i < layer->len; i++) {
		struct sock_filter *f = &layer->insns[i];

		if (f->code == (BPF_RET | BPF_K) && f->k == SC_SENTINEL) {
			f->code = BPF_JMP | BPF_JA;
			f->k = (uint32_t)(layer->len - i - 1);
			f->jt = f->jf = 0;
		}
	}
}

/* Distinct actions of layered rules, strictest first. */
static size_t layer_actions(const struct sc_policy *p,
			    const struct resolved *rs, const bool *keep,
			    uint32_t *acts)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		bool seen = false;

		if (!keep[i] || !rs->sys[rs->rule_sys[i]].layered)
			continue;
		for (size_t j = 0; j < n; j++)
			seen |= acts[j] == p->rules[i].action;
		if (!seen)
			acts[n++] = p->rules[i].action;
	}
	for (size_t i = 1; i < n; i++)      /* stable insertion sort */
		for (size_t j = i; j > 0 && action_rank(acts[j]) >
					    action_rank(acts[j - 1]); j--) {
			uint32_t t = acts[j];

			acts[j] = acts[j - 1];
			acts[j - 1] = t;
		}
	return n;
}

static int build_all(const struct sc_policy *p, const struct resolved *rs,
		     const bool *keep, const uint32_t *arches, unsigned narches,
		     const struct sc_options *o, struct sc_prog *out)
{
	sc_autofree uint32_t *acts = sc_xmalloc((p->nrules + 1) *
						sizeof(uint32_t));
	size_t nacts = layer_actions(p, rs, keep, acts);
	struct sc_prog part;
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; r == 0 && i < nacts; i++) {
		r = build_layer(p, rs, keep, acts[i], (unsigned)i + 1, arches,
				narches, o, &part);
		if (r == 0) {
			link_layer(&part);
			sc_prog_append(out, &part);
			sc_prog_free(&part);
		}
	}
	if (r == 0)
		r = build_main(p, rs, keep, arches, narches, o, &part);
	if (r == 0) {
		sc_prog_append(out, &part);
		sc_prog_free(&part);
	}
	if (r < 0)
		sc_prog_free(out);
	return r;
}

enum sc_status sc_build_policy(const struct sc_policy *p,
			       const struct sc_options *o, struct sc_prog *out)
{
	uint32_t arches[SC_MAX_ARCHES];
	unsigned narches;
	struct resolved rs;
	sc_autofree bool *keep = NULL;
	int r;

	if (o->narches) {
		narches = o->narches;
		memcpy(arches, o->arches, narches * sizeof(arches[0]));
	} else if (p->narches) {
		narches = p->narches;
		memcpy(arches, p->arches, narches * sizeof(arches[0]));
	} else {
		sc_default_arches(arches, &narches);
	}
	r = resolve(p, arches, narches, o, &rs);
	keep = sc_xmalloc((p->nrules + 1) * sizeof(bool));
	if (r == 0) {
		plan_layers(p, &rs, keep);
		r = build_all(p, &rs, keep, arches, narches, o, out);
	}
	free(rs.sys);
	free(rs.rule_sys);
	return r;
}
