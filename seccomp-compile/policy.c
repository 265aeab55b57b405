/* policy.c: parser of the line-based policy format (documented in
 * seccomp-compile(1)).  It only records what the policy says; deciding which
 * rule wins and producing BPF is build.c's job. */
#include "sc.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 8
#define MAX_TOKENS 256

enum tok_kind { T_WORD, T_OP };

struct token {
	enum tok_kind kind;
	const char *start;
	size_t len;
	unsigned col;
};

/* One line being parsed, with what error messages need to point at it. */
struct line_ctx {
	struct sc_policy *p;
	const char *file;   /* as shown in messages */
	const char *dir;    /* for relative includes; NULL = current directory */
	unsigned line;
	bool builtin;
	struct token tok[MAX_TOKENS];
	unsigned ntok, pos;
	char *raw;          /* the line, NUL-terminated, comment removed */
};

static void perr(const struct line_ctx *c, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error at column `col` of the current line. */
static void perr(const struct line_ctx *c, unsigned col, const char *fmt, ...)
{
	struct sc_loc loc = { .file = c->file, .line = c->line, .col = col };
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(&loc, SC_ERROR, fmt, ap);
	va_end(ap);
}

static bool tok_is(const struct token *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->start, s, t->len) == 0;
}

static char *tok_str(const struct token *t)
{
	char *s = sc_xmalloc(t->len + 1);

	memcpy(s, t->start, t->len);
	s[t->len] = '\0';
	return s;
}

/* Column of the end of the line, for "expected X at end of line". */
static unsigned end_col(const struct line_ctx *c)
{
	return (unsigned)strlen(c->raw) + 1;
}

static bool is_op_char(char ch)
{
	return ch == '&' || ch == '=' || ch == '!' || ch == '<' || ch == '>';
}

static int lex_op(struct line_ctx *c, const char *s, size_t *len)
{
	static const char *const ops[] = { "&&", "==", "!=", "<=", ">=",
					   "&", "<", ">" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(s, ops[i], strlen(ops[i])) == 0) {
			*len = strlen(ops[i]);
			return 0;
		}
	perr(c, (unsigned)(s - c->raw) + 1,
	     "unexpected '%c' (expected one of == != < <= > >= &)", *s);
	return -1;
}

static int lex(struct line_ctx *c)
{
	const char *s = c->raw;

	c->ntok = c->pos = 0;
	while (*s) {
		struct token *t;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (c->ntok == MAX_TOKENS) {
			perr(c, (unsigned)(s - c->raw) + 1, "line has too many words");
			return -1;
		}
		t = &c->tok[c->ntok++];
		t->start = s;
		t->col = (unsigned)(s - c->raw) + 1;
		if (is_op_char(*s)) {
			t->kind = T_OP;
			if (lex_op(c, s, &t->len) < 0)
				return -1;
		} else {
			t->kind = T_WORD;
			while (*s && !isspace((unsigned char)*s) && !is_op_char(*s))
				s++;
			t->len = (size_t)(s - t->start);
			continue;
		}
		s += t->len;
	}
	return 0;
}

static const struct token *peek(const struct line_ctx *c)
{
	return c->pos < c->ntok ? &c->tok[c->pos] : NULL;
}

static const struct token *next_word(struct line_ctx *c, const char *what)
{
	const struct token *t = peek(c);

	if (!t) {
		perr(c, end_col(c), "expected %s at end of line", what);
		return NULL;
	}
	if (t->kind != T_WORD) {
		perr(c, t->col, "expected %s, got '%.*s'", what, (int)t->len,
		     t->start);
		return NULL;
	}
	c->pos++;
	return t;
}

static int expect_end(const struct line_ctx *c)
{
	const struct token *t = peek(c);

	if (!t)
		return 0;
	perr(c, t->col, "unexpected '%.*s' (expected end of line)", (int)t->len,
	     t->start);
	return -1;
}

static bool parse_uint(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

/* errno NAME|NUMBER; the kernel keeps only 12 bits of SECCOMP_RET_DATA
 * for errno actions, so larger numbers would silently change meaning. */
static int parse_errno(const char *s, int *e)
{
	uint64_t v;

	if (sc_errno_lookup(s, e))
		return 0;
	if (parse_uint(s, &v) && v <= 4095) {
		*e = (int)v;
		return 0;
	}
	return -1;
}

/* Returns 1 when `word` is an action keyword, 0 if not, -1 on a bad errno.
 * `arg` is the following word (for `errno X`); *used_arg says if it was
 * consumed. */
static int parse_action(const char *word, const char *arg, uint32_t *action,
			bool *used_arg)
{
	int e;

	*used_arg = false;
	if (strcmp(word, "allow") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(word, "kill") == 0 || strcmp(word, "kill-process") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(word, "kill-thread") == 0)
		*action = SCMP_ACT_KILL_THREAD;
	else if (strcmp(word, "trap") == 0)
		*action = SCMP_ACT_TRAP;
	else if (strcmp(word, "log") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(word, "errno") == 0) {
		*used_arg = true;
		if (!arg || parse_errno(arg, &e) < 0)
			return -1;
		*action = SCMP_ACT_ERRNO((uint32_t)e);
	} else
		return 0;
	return 1;
}

static bool is_action_word(const struct token *t)
{
	return tok_is(t, "errno") || tok_is(t, "kill") ||
	       tok_is(t, "kill-process") || tok_is(t, "kill-thread") ||
	       tok_is(t, "trap") || tok_is(t, "log") || tok_is(t, "allow");
}

static int parse_action_tokens(struct line_ctx *c, uint32_t *action)
{
	const struct token *w = next_word(c, "an action (allow, errno NAME, "
					     "kill, kill-thread, trap, log)");
	const struct token *a = peek(c);
	sc_autofree char *word = NULL, *arg = NULL;
	bool used;
	int r;

	if (!w)
		return -1;
	word = tok_str(w);
	if (a && a->kind == T_WORD)
		arg = tok_str(a);
	r = parse_action(word, arg, action, &used);
	if (r == 0)
		perr(c, w->col, "unknown action '%s' (expected allow, errno NAME, "
		     "kill, kill-thread, trap or log)", word);
	else if (r < 0 && !arg)
		perr(c, end_col(c), "expected an errno name or number (0-4095) "
		     "after 'errno'");
	else if (r < 0)
		perr(c, a->col, "unknown errno '%s' (expected a name such as "
		     "EPERM or a number 0-4095)", arg);
	if (r <= 0)
		return -1;
	if (used)
		c->pos++;
	return 0;
}

/* VALUE := TERM ('|' TERM)*, TERM := number | constant name */
static int parse_value(struct line_ctx *c, const struct token *t, uint64_t *v)
{
	sc_autofree char *s = tok_str(t);
	char *save = NULL, *term;

	*v = 0;
	if (s[0] == '|' || s[strlen(s) - 1] == '|' || strstr(s, "||")) {
		perr(c, t->col, "empty term in value '%s'", s);
		return -1;
	}
	for (term = strtok_r(s, "|", &save); term;
	     term = strtok_r(NULL, "|", &save)) {
		uint64_t x;

		if (!parse_uint(term, &x) && !sc_const_lookup(term, &x)) {
			perr(c, t->col + (unsigned)(term - s),
			     "unknown value '%s' (expected a number or a constant "
			     "such as CLONE_NEWUSER, TIOCSTI, AF_INET)", term);
			return -1;
		}
		*v |= x;
	}
	return 0;
}

static bool is_arg_word(const struct token *t, unsigned *arg, bool *lo32)
{
	if (t->kind != T_WORD || t->len < 2 || t->start[0] != 'a' ||
	    t->start[1] < '0' || t->start[1] > '5')
		return false;
	*arg = (unsigned)(t->start[1] - '0');
	*lo32 = false;
	if (t->len == 2)
		return true;
	if (t->len == 7 && memcmp(t->start + 2, ".lo32", 5) == 0) {
		*lo32 = true;
		return true;
	}
	return false;
}

static int op_from_token(const struct token *t, enum scmp_compare *op)
{
	static const struct { const char *s; enum scmp_compare op; } ops[] = {
		{ "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE },
		{ "<", SCMP_CMP_LT }, { "<=", SCMP_CMP_LE },
		{ ">", SCMP_CMP_GT }, { ">=", SCMP_CMP_GE },
	};

	for (size_t i = 0; t && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (t->kind == T_OP && tok_is(t, ops[i].s)) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static const struct token *next_value(struct line_ctx *c, uint64_t *v)
{
	const struct token *t = next_word(c, "a value");

	if (!t || parse_value(c, t, v) < 0)
		return NULL;
	return t;
}

/* aN [& MASK] OP VALUE, with `.lo32` meaning "only the low 32 bits".
 * libseccomp compares whole 64-bit values, so lo32 is expressed as a
 * masked equality; that is why it cannot be combined with <, > or !=. */
static int parse_cond(struct line_ctx *c, struct sc_cond *cond)
{
	const struct token *at = &c->tok[c->pos++], *opt, *vt;
	uint64_t mask = UINT64_MAX, value;
	bool lo32, masked = false;
	enum scmp_compare op;

	is_arg_word(at, &cond->arg, &lo32);
	opt = peek(c);
	if (opt && opt->kind == T_OP && tok_is(opt, "&")) {
		c->pos++;
		if (!next_value(c, &mask))
			return -1;
		masked = true;
		opt = peek(c);
	}
	if (op_from_token(opt, &op) < 0) {
		if (!opt)
			perr(c, end_col(c), "expected a comparison (== != < <= > >=) "
			     "after '%.*s' at end of line", (int)at->len, at->start);
		else
			perr(c, opt->col, "expected a comparison (== != < <= > >=), "
			     "got '%.*s'", (int)opt->len, opt->start);
		return -1;
	}
	c->pos++;
	vt = next_value(c, &value);
	if (!vt)
		return -1;
	if (masked && op != SCMP_CMP_EQ) {
		perr(c, opt->col, "a masked comparison must use '==' "
		     "(aN & MASK == VALUE)");
		return -1;
	}
	if (lo32 && op != SCMP_CMP_EQ) {
		perr(c, opt->col, "'.lo32' works only with '==' and '& MASK ==' "
		     "(libseccomp compares all 64 bits for other operators)");
		return -1;
	}
	if (lo32) {
		if (value > UINT32_MAX) {
			perr(c, vt->col, "value does not fit in 32 bits");
			return -1;
		}
		mask &= UINT32_MAX;
		masked = true;
	}
	if (masked && (value & ~mask)) {
		perr(c, vt->col, "value has bits outside the mask, so the "
		     "condition can never be true");
		return -1;
	}
	cond->op = masked ? SCMP_CMP_MASKED_EQ : op;
	cond->datum_a = masked ? mask : value;
	cond->datum_b = masked ? value : 0;
	return 0;
}

static struct sc_rule *new_rule(struct sc_policy *p)
{
	if (p->nrules == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->rules = sc_xrealloc(p->rules, p->cap * sizeof(*p->rules));
	}
	memset(&p->rules[p->nrules], 0, sizeof(p->rules[0]));
	return &p->rules[p->nrules++];
}

static int add_target(struct line_ctx *c, const char *name, unsigned col,
		      const struct sc_rule *tmpl, bool builtin, unsigned depth);

static int add_group(struct line_ctx *c, const char *name, unsigned col,
		     const struct sc_rule *tmpl, unsigned depth)
{
	const struct sc_group *g = sc_group_find(name);
	sc_autofree char *members = NULL;
	char *save = NULL, *m;
	int r = 0;

	if (!g) {
		perr(c, col, "unknown group '%s' (seccomp-compile --list-groups "
		     "shows the %s groups)", name, sc_groups_version);
		return -1;
	}
	if (depth > 8) {
		perr(c, col, "group '%s' nests too deeply", name);
		return -1;
	}
	members = sc_xstrdup(g->members);
	for (m = strtok_r(members, " ", &save); m && r == 0;
	     m = strtok_r(NULL, " ", &save))
		r = add_target(c, m, col, tmpl, true, depth + 1);
	return r;
}

static int add_target(struct line_ctx *c, const char *name, unsigned col,
		      const struct sc_rule *tmpl, bool builtin, unsigned depth)
{
	struct sc_rule *r;

	if (name[0] == '@')
		return add_group(c, name, col, tmpl, depth);
	r = new_rule(c->p);
	*r = *tmpl;
	r->name = sc_xstrdup(name);
	r->loc.file = c->file;
	r->loc.line = c->line;
	r->loc.col = col;
	r->loc.builtin = builtin || c->builtin;
	return 0;
}

static bool valid_name(const struct token *t)
{
	for (size_t i = 0; i < t->len; i++) {
		char ch = t->start[i];

		if (!isalnum((unsigned char)ch) && ch != '_' &&
		    !(i > 0 && ch == '-' && t->start[0] == '@') &&
		    !(i == 0 && ch == '@'))
			return false;
	}
	return t->len > 0;
}

/* "a6", "a12", "a0.hi32": meant as an argument, but not a valid one. */
static bool looks_like_bad_arg(const struct token *t)
{
	size_t i = 1;

	if (t->len < 2 || t->start[0] != 'a' || !isdigit((unsigned char)t->start[1]))
		return false;
	while (i < t->len && isdigit((unsigned char)t->start[i]))
		i++;
	return i == t->len || t->start[i] == '.';
}

static bool at_arg_word(const struct line_ctx *c)
{
	unsigned arg;
	bool lo32;

	return peek(c) && is_arg_word(peek(c), &arg, &lo32);
}

/* Targets end at the first argument condition or action keyword; the
 * first target is always a name, so `deny kill` works. */
static int parse_targets(struct line_ctx *c, unsigned *ntargets)
{
	const struct token *t;

	*ntargets = 0;
	while ((t = peek(c)) && t->kind == T_WORD && !at_arg_word(c) &&
	       (*ntargets == 0 || !is_action_word(t))) {
		if (looks_like_bad_arg(t)) {
			perr(c, t->col, "no argument '%.*s' (system calls have "
			     "a0 to a5, optionally with .lo32)", (int)t->len,
			     t->start);
			return -1;
		}
		if (!valid_name(t)) {
			perr(c, t->col, "'%.*s' is not a system call or @group "
			     "name", (int)t->len, t->start);
			return -1;
		}
		(*ntargets)++;
		c->pos++;
	}
	if (*ntargets > 0)
		return 0;
	if (t)
		perr(c, t->col, "expected a system call or @group name, got "
		     "'%.*s'", (int)t->len, t->start);
	else
		perr(c, end_col(c), "expected a system call or @group name at "
		     "end of line");
	return -1;
}

/* COND [&&] COND...: at most one comparison per argument. */
static int parse_conds(struct line_ctx *c, struct sc_rule *tmpl)
{
	while (at_arg_word(c)) {
		const struct token *at = peek(c);

		if (tmpl->ncond == SC_MAX_ARGS) {
			perr(c, at->col, "too many conditions (at most %d)",
			     SC_MAX_ARGS);
			return -1;
		}
		if (parse_cond(c, &tmpl->cond[tmpl->ncond]) < 0)
			return -1;
		for (unsigned i = 0; i < tmpl->ncond; i++)
			if (tmpl->cond[i].arg == tmpl->cond[tmpl->ncond].arg) {
				perr(c, at->col, "a%u is already compared on this "
				     "line (libseccomp allows one comparison per "
				     "argument; write two lines for OR)",
				     tmpl->cond[i].arg);
				return -1;
			}
		tmpl->ncond++;
		if (peek(c) && peek(c)->kind == T_OP && tok_is(peek(c), "&&"))
			c->pos++;
	}
	return 0;
}

/* What follows the conditions: nothing, or for `deny` a denying action. */
static int parse_rule_action(struct line_ctx *c, bool deny,
			     struct sc_rule *tmpl)
{
	if (!peek(c))
		return 0;
	if (!deny) {
		perr(c, peek(c)->col, "unexpected '%.*s' (expected a condition "
		     "aN OP VALUE or end of line)", (int)peek(c)->len,
		     peek(c)->start);
		return -1;
	}
	if (parse_action_tokens(c, &tmpl->action) < 0)
		return -1;
	if (tmpl->action == SCMP_ACT_ALLOW) {
		perr(c, c->tok[c->pos - 1].col, "'deny' needs a denying action "
		     "(errno, kill, kill-thread, trap or log)");
		return -1;
	}
	return 0;
}

/* allow|deny TARGET... [COND [&&] COND...] [ACTION] */
static int parse_rule(struct line_ctx *c, bool deny)
{
	struct sc_rule tmpl;
	unsigned first = c->pos, ntargets;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.action = deny ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW;
	if (parse_targets(c, &ntargets) < 0 || parse_conds(c, &tmpl) < 0 ||
	    parse_rule_action(c, deny, &tmpl) < 0 || expect_end(c) < 0)
		return -1;
	for (unsigned i = first; i < first + ntargets; i++) {
		sc_autofree char *name = tok_str(&c->tok[i]);

		if (add_target(c, name, c->tok[i].col, &tmpl, false, 0) < 0)
			return -1;
	}
	return 0;
}

static int parse_arch(struct line_ctx *c)
{
	unsigned n = 0;

	while (peek(c)) {
		const struct token *t = next_word(c, "an architecture name");
		sc_autofree char *name = NULL;
		uint32_t tok;

		if (!t)
			return -1;
		if (n == SC_MAX_ARCHES) {
			perr(c, t->col, "too many architectures");
			return -1;
		}
		name = tok_str(t);
		if (sc_resolve_arch(name, &tok) < 0) {
			perr(c, t->col, "unknown architecture '%s' (expected "
			     "native, x86_64, x86, x32, aarch64, arm, ...)", name);
			return -1;
		}
		for (unsigned i = 0; i < n; i++)
			if (c->p->arches[i] == tok) {
				perr(c, t->col, "architecture listed twice");
				return -1;
			}
		c->p->arches[n++] = tok;
	}
	if (n == 0) {
		perr(c, end_col(c), "expected an architecture name at end of line");
		return -1;
	}
	c->p->narches = n;
	return 0;
}

static int include_preset(struct line_ctx *c)
{
	const struct token *t = next_word(c, "a preset name");
	const struct sc_preset *ps;
	sc_autofree char *name = NULL;
	int r;

	if (!t || expect_end(c) < 0)
		return -1;
	name = tok_str(t);
	ps = sc_preset_find(name);
	if (!ps) {
		perr(c, t->col, "unknown preset '%s' (seccomp-compile "
		     "--list-presets shows them)", name);
		return -1;
	}
	if (c->p->depth >= MAX_INCLUDE_DEPTH) {
		perr(c, t->col, "includes nest too deeply (more than %d levels)",
		     MAX_INCLUDE_DEPTH);
		return -1;
	}
	c->p->depth++;
	r = sc_policy_parse_text(c->p, ps->name, ps->text, true);
	c->p->depth--;
	return r;
}

/* `include PATH`: the rest of the line, relative to the including file. */
static int include_file(struct line_ctx *c, const struct token *kw)
{
	const char *s = kw->start + kw->len;
	sc_autofree char *path = NULL;
	int r;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s) {
		perr(c, end_col(c), "expected a file name after 'include'");
		return -1;
	}
	if (c->p->depth >= MAX_INCLUDE_DEPTH) {
		perr(c, (unsigned)(s - c->raw) + 1, "includes nest too deeply "
		     "(more than %d levels)", MAX_INCLUDE_DEPTH);
		return -1;
	}
	if (s[0] == '/' || !c->dir) {
		path = sc_xstrdup(s);
	} else {
		path = sc_xmalloc(strlen(c->dir) + strlen(s) + 2);
		sprintf(path, "%s/%s", c->dir, s);
	}
	c->p->depth++;
	r = sc_policy_parse_file(c->p, path);
	c->p->depth--;
	if (r == SC_UNREADABLE)
		perr(c, (unsigned)(s - c->raw) + 1, "cannot read '%s': %s", path,
		     strerror(errno));
	return r < 0 ? -1 : 0;
}

static int parse_line(struct line_ctx *c)
{
	const struct token *kw;

	if (lex(c) < 0)
		return -1;
	if (c->ntok == 0)
		return 0;
	kw = next_word(c, "a directive (default, unknown, arch, allow, deny, "
			  "include, preset)");
	if (!kw)
		return -1;
	if (tok_is(kw, "allow") || tok_is(kw, "deny"))
		return parse_rule(c, tok_is(kw, "deny"));
	if (tok_is(kw, "default") || tok_is(kw, "unknown")) {
		uint32_t act;

		if (parse_action_tokens(c, &act) < 0 || expect_end(c) < 0)
			return -1;
		if (tok_is(kw, "default")) {
			c->p->default_action = act;
		} else {
			c->p->has_unknown = true;
			c->p->unknown_action = act;
		}
		return 0;
	}
	if (tok_is(kw, "arch"))
		return parse_arch(c);
	if (tok_is(kw, "include"))
		return include_file(c, kw);
	if (tok_is(kw, "preset"))
		return include_preset(c);
	perr(c, kw->col, "unknown directive '%.*s' (expected default, unknown, "
	     "arch, allow, deny, include or preset)", (int)kw->len, kw->start);
	return -1;
}

static const char *keep_name(struct sc_policy *p, const char *name)
{
	p->files = sc_xrealloc(p->files, (p->nfiles + 1) * sizeof(*p->files));
	p->files[p->nfiles] = sc_xstrdup(name);
	return p->files[p->nfiles++];
}

static int parse_text_in(struct sc_policy *p, const char *name,
			 const char *dir, const char *text, bool builtin)
{
	sc_autofree struct line_ctx *c = sc_xmalloc(sizeof(*c));
	const char *s = text;
	int r = 0;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->file = keep_name(p, name);
	c->dir = dir;
	c->builtin = builtin;
	while (*s && r == 0) {
		size_t len = strcspn(s, "\n");
		sc_autofree char *raw = sc_xmalloc(len + 1);
		char *hash;

		memcpy(raw, s, len);
		raw[len] = '\0';
		hash = strchr(raw, '#');
		if (hash)
			*hash = '\0';
		c->line++;
		c->raw = raw;
		r = parse_line(c);
		s += len;
		if (*s == '\n')
			s++;
	}
	return r;
}

enum sc_status sc_policy_parse_text(struct sc_policy *p, const char *name,
				    const char *text, bool builtin)
{
	return parse_text_in(p, name, NULL, text, builtin);
}

/* SC_UNREADABLE (errno set, nothing reported) if the file cannot be read. */
enum sc_status sc_policy_parse_file(struct sc_policy *p, const char *path)
{
	bool is_stdin = strcmp(path, "-") == 0;
	sc_autofree char *text = NULL, *copy = NULL;
	const char *dir = NULL;
	size_t len;

	text = sc_read_file(path, &len);
	if (!text)
		return SC_UNREADABLE;
	if (memchr(text, '\0', len)) {
		sc_error_at(SC_FILE_LOC(path), "policy contains a NUL byte "
			    "(binary file?)");
		return SC_FAILED;
	}
	if (!is_stdin) {
		copy = sc_xstrdup(path);
		dir = keep_name(p, dirname(copy));
	}
	return parse_text_in(p, is_stdin ? "<stdin>" : path, dir, text, false);
}

void sc_policy_init(struct sc_policy *p)
{
	memset(p, 0, sizeof(*p));
	/* Without a `default` line, anything not allowed kills, like
	 * systemd's SystemCallFilter= allow-lists. */
	p->default_action = SCMP_ACT_KILL_PROCESS;
}

void sc_policy_free(struct sc_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i].name);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->rules);
	free(p->files);
	memset(p, 0, sizeof(*p));
}
