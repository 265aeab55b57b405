/* main.c: command line, input detection and output of
 * seccomp-compile.  See seccomp-compile(1). */
#include "sc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

enum input_format { FMT_AUTO, FMT_LINE, FMT_JSON };

struct cmdline {
	struct sc_options opt;
	const char *input, *preset, *output, *check;
	enum input_format format;
	bool explain, list_presets, list_groups;
	const char *show_group, *show_preset;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [OPTION...] [POLICY]\n"
"       %s --preset NAME [OPTION...]\n"
"       %s --check FILE\n"
"Compiles a system-call policy (line format or OCI/Docker JSON) into the raw\n"
"seccomp BPF program that foil --seccomp FD and bwrap --seccomp FD load.\n"
"POLICY '-' or none reads standard input.\n\n"
"  -o, --output FILE     write the program to FILE (default: standard output)\n"
"  -p, --preset NAME     compile a built-in policy (see --list-presets)\n"
"  -f, --format FMT      'policy' or 'json' (default: guessed from the input)\n"
"      --arch LIST       architectures, e.g. native,x86 (overrides the input)\n"
"      --optimize KIND   'tree' (default: binary search on the call number)\n"
"                        or 'linear'\n"
"      --strict          unknown system call names are errors\n"
"      --caps LIST       JSON: capabilities the payload keeps (default: none)\n"
"      --kernel X.Y      JSON: kernel version for minKernel (default: running)\n"
"      --explain         print a readable listing (libseccomp PFC) instead\n"
"      --check FILE      validate an existing program and try to load it\n"
"      --list-presets    list the presets; --show-preset NAME prints one\n"
"      --list-groups     list the @groups; --show-group NAME prints one\n"
"  -v, --verbose         report instruction counts and skipped names\n"
"  -h, --help            show this help\n",
		sc_progname, sc_progname, sc_progname);
}

enum { OPT_ARCH = 256, OPT_OPTIMIZE, OPT_STRICT, OPT_CAPS, OPT_KERNEL,
       OPT_EXPLAIN, OPT_CHECK, OPT_LIST_PRESETS, OPT_LIST_GROUPS,
       OPT_SHOW_GROUP, OPT_SHOW_PRESET };

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "preset", required_argument, NULL, 'p' },
	{ "format", required_argument, NULL, 'f' },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "optimize", required_argument, NULL, OPT_OPTIMIZE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "caps", required_argument, NULL, OPT_CAPS },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "check", required_argument, NULL, OPT_CHECK },
	{ "list-presets", no_argument, NULL, OPT_LIST_PRESETS },
	{ "list-groups", no_argument, NULL, OPT_LIST_GROUPS },
	{ "show-group", required_argument, NULL, OPT_SHOW_GROUP },
	{ "show-preset", required_argument, NULL, OPT_SHOW_PRESET },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_arch_list(const char *list, struct sc_options *o)
{
	sc_autofree char *copy = sc_xstrdup(list);
	char *save = NULL, *a;
	int r = 0;

	o->narches = 0;
	for (a = strtok_r(copy, ",", &save); a && r == 0;
	     a = strtok_r(NULL, ",", &save)) {
		uint32_t tok;

		if (sc_resolve_arch(a, &tok) < 0) {
			sc_error("--arch: unknown architecture '%s'", a);
			r = -1;
		} else if (o->narches == SC_MAX_ARCHES) {
			sc_error("--arch: too many architectures");
			r = -1;
		} else {
			for (unsigned i = 0; i < o->narches; i++)
				if (o->arches[i] == tok)
					tok = 0;
			if (tok)
				o->arches[o->narches++] = tok;
		}
	}
	if (r == 0 && o->narches == 0) {
		sc_error("--arch: expected a comma-separated list of architectures");
		r = -1;
	}
	return r;
}

static int parse_kernel(const char *s, unsigned *maj, unsigned *min)
{
	char end;

	return sscanf(s, "%u.%u%c", maj, min, &end) == 2 ? 0 : -1;
}

static void running_kernel(unsigned *maj, unsigned *min)
{
	struct utsname u;

	*maj = *min = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", maj, min);
}

static int parse_option(struct cmdline *c, int opt)
{
	switch (opt) {
	case 'o': c->output = optarg; return 0;
	case 'p': c->preset = optarg; return 0;
	case 'f':
		if (strcmp(optarg, "policy") == 0)
			c->format = FMT_LINE;
		else if (strcmp(optarg, "json") == 0)
			c->format = FMT_JSON;
		else {
			sc_error("--format: expected 'policy' or 'json', got '%s'",
				 optarg);
			return -1;
		}
		return 0;
	case OPT_ARCH: return parse_arch_list(optarg, &c->opt);
	case OPT_OPTIMIZE:
		if (strcmp(optarg, "tree") == 0)
			c->opt.optimize = SC_OPT_TREE;
		else if (strcmp(optarg, "linear") == 0)
			c->opt.optimize = SC_OPT_LINEAR;
		else {
			sc_error("--optimize: expected 'tree' or 'linear', got "
				 "'%s'", optarg);
			return -1;
		}
		return 0;
	case OPT_STRICT: c->opt.strict = true; return 0;
	case OPT_CAPS: c->opt.caps = optarg; return 0;
	case OPT_KERNEL:
		if (parse_kernel(optarg, &c->opt.kernel_major,
				 &c->opt.kernel_minor) < 0) {
			sc_error("--kernel: expected a version such as 5.15, got "
				 "'%s'", optarg);
			return -1;
		}
		return 0;
	case OPT_EXPLAIN: c->explain = true; return 0;
	case OPT_CHECK: c->check = optarg; return 0;
	case OPT_LIST_PRESETS: c->list_presets = true; return 0;
	case OPT_LIST_GROUPS: c->list_groups = true; return 0;
	case OPT_SHOW_GROUP: c->show_group = optarg; return 0;
	case OPT_SHOW_PRESET: c->show_preset = optarg; return 0;
	case 'v': c->opt.verbose = true; return 0;
	case 'h': usage(stdout); exit(0);
	}
	return -1;
}

/* getopt's own messages take two lines; every message here takes one. */
static void bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && strchr("opf", optopt))
		sc_error("option '-%c' needs an argument (see --help)", optopt);
	else if (optopt)
		sc_error("unknown option '-%c' (see --help)", optopt);
	else if (arg && strchr(arg, '='))
		sc_error("bad option '%s' (see --help)", arg);
	else
		sc_error("unknown option or missing argument: '%s' (see --help)",
			 arg ? arg : "?");
}

static int parse_cmdline(int argc, char **argv, struct cmdline *c)
{
	int opt;

	memset(c, 0, sizeof(*c));
	/* The binary-tree layout won the benchmark (bench/seccomp.sh): it
	 * makes the program longer but the path a call takes shorter. */
	c->opt.optimize = SC_OPT_TREE;
	c->opt.explain_fd = -1;
	running_kernel(&c->opt.kernel_major, &c->opt.kernel_minor);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:p:f:vh", long_opts, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			bad_option(argv);
			return -1;
		}
		if (parse_option(c, opt) < 0)
			return -1;
	}
	if (optind < argc)
		c->input = argv[optind++];
	if (optind < argc) {
		sc_error("unexpected argument '%s' (only one POLICY)", argv[optind]);
		return -1;
	}
	if (c->preset && c->input) {
		sc_error("--preset and a POLICY file exclude each other (use "
			 "'preset %s' in the policy)", c->preset);
		return -1;
	}
	if (c->preset && c->format == FMT_JSON) {
		sc_error("--preset: presets are policies, not JSON");
		return -1;
	}
	return 0;
}

static bool looks_like_json(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return *text == '{' || *text == '[';
}

static int compile_line_policy(const struct cmdline *c, const char *name,
			       const char *text, struct sc_prog *prog)
{
	struct sc_policy p;
	int r;

	sc_policy_init(&p);
	r = sc_policy_parse_text(&p, name, text, false);
	if (r == 0)
		r = sc_build_policy(&p, &c->opt, prog);
	sc_policy_free(&p);
	return r;
}

static int compile_file_policy(const struct cmdline *c, const char *path,
			       struct sc_prog *prog)
{
	struct sc_policy p;
	int r;

	sc_policy_init(&p);
	r = sc_policy_parse_file(&p, path);
	if (r == SC_UNREADABLE)
		sc_error("cannot read '%s': %s", path, strerror(errno));
	if (r == 0)
		r = sc_build_policy(&p, &c->opt, prog);
	sc_policy_free(&p);
	return r < 0 ? -1 : 0;
}

static int compile_input(const struct cmdline *c, struct sc_prog *prog)
{
	const char *path = c->input ? c->input : "-";
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	enum input_format fmt = c->format;
	sc_autofree char *text = NULL;
	size_t len;

	if (c->preset) {
		const struct sc_preset *ps = sc_preset_find(c->preset);

		if (!ps) {
			sc_error("--preset: unknown preset '%s' (see "
				 "--list-presets)", c->preset);
			return -1;
		}
		return compile_line_policy(c, ps->name, ps->text, prog);
	}
	text = sc_read_file(path, &len);
	if (!text) {
		sc_error("cannot read '%s': %s", name, strerror(errno));
		return -1;
	}
	if (fmt == FMT_AUTO)
		fmt = looks_like_json(text) ? FMT_JSON : FMT_LINE;
	if (fmt == FMT_JSON && strlen(text) != len) {
		sc_error_at(SC_FILE_LOC(name), "JSON contains a NUL byte");
		return -1;
	}
	if (fmt == FMT_JSON)
		return sc_build_json(name, text, &c->opt, prog);
	if (strcmp(path, "-") != 0)
		return compile_file_policy(c, path, prog);
	if (memchr(text, '\0', len)) {
		sc_error_at(SC_FILE_LOC(name), "policy contains a NUL byte");
		return -1;
	}
	return compile_line_policy(c, name, text, prog);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;    /* so that the caller's message says something */
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_prog(int fd, const struct sc_prog *prog)
{
	return write_all(fd, prog->insns, prog->len * sizeof(*prog->insns));
}

/* Gives the temporary file the mode and owner of the file it replaces
 * (`old`), or for a new file what open(2) would have given it.  Only root
 * may give a file away: for anyone else chown fails with EPERM and the new
 * file belongs to the caller, as seccomp-compile(1) says; EINVAL means the
 * owner has no id in this user namespace, the same situation. */
static int set_attributes(int fd, const struct stat *old)
{
	mode_t mask;

	if (!old) {
		mask = umask(0);
		umask(mask);
		return fchmod(fd, 0666 & ~mask);
	}
	if (fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM &&
	    errno != EINVAL)
		return -1;
	/* after the chown, which would clear set-id bits */
	return fchmod(fd, old->st_mode & 07777);
}

/* Everything the temporary file needs before it is renamed; 0 or errno. */
static int fill_temp(int fd, const struct stat *old, const struct sc_prog *prog)
{
	if (set_attributes(fd, old) < 0 || write_prog(fd, prog) < 0 ||
	    fsync(fd) < 0)
		return errno;
	return 0;
}

/* Creates the temporary file in `dir`, named in *tmp (to be freed).
 * mkostemp's name is unpredictable, so no one can plant something under
 * it, and close-on-exec keeps it out of any child. */
static int create_temp(const char *arg, const char *dir, char **tmp)
{
	static const char pattern[] = "/.seccomp-compile.XXXXXX";
	size_t size = strlen(dir) + sizeof(pattern);
	int fd;

	*tmp = sc_xmalloc(size);
	snprintf(*tmp, size, "%s%s", dir, pattern);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0)
		sc_error("cannot write '%s': cannot create a file in '%s': %s",
			 arg, dir, strerror(errno));
	return fd;
}

/* Writes the regular file `target` (`arg` as the user named it) through a
 * temporary file in the same directory, renamed over it only when
 * complete: a reader never sees half a filter, and a failure leaves
 * whatever was there before. */
static int replace_file(const char *arg, const char *target,
			const struct stat *old, const struct sc_prog *prog)
{
	sc_autofree char *copy = sc_xstrdup(target);
	sc_autofree char *tmp = NULL;
	int fd = create_temp(arg, dirname(copy), &tmp), err;

	if (fd < 0)
		return -1;
	err = fill_temp(fd, old, prog);
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, target) < 0)
		err = errno;
	if (err)
		sc_error("cannot write '%s': %s", arg, strerror(err));
	if (err && unlink(tmp) < 0)
		sc_error("cannot remove '%s': %s", tmp, strerror(errno));
	return err ? -1 : 0;
}

/* stat(2) found no file.  Either nothing is there, or a symbolic link
 * points at nothing: creating the target of such a link is how a link
 * planted in a shared directory redirects a write, so it is refused. */
static int write_new_file(const char *arg, const struct sc_prog *prog)
{
	struct stat st;

	if (lstat(arg, &st) == 0 && S_ISLNK(st.st_mode)) {
		sc_error("cannot write '%s': it is a symbolic link to a file "
			 "that does not exist", arg);
		return -1;
	}
	return replace_file(arg, arg, NULL, prog);
}

/* An existing regular file, or a symbolic link to one (`st` describes the
 * file).  Through a link, the temporary file goes next to the final target:
 * renaming over the link would replace the link, and a rename cannot
 * cross file systems. */
static int replace_regular(const char *arg, const struct stat *st,
			   const struct sc_prog *prog)
{
	sc_autofree char *target = NULL;
	struct stat lst;

	if (lstat(arg, &lst) < 0) {
		sc_error("cannot write '%s': %s", arg, strerror(errno));
		return -1;
	}
	if (!S_ISLNK(lst.st_mode))
		return replace_file(arg, arg, st, prog);
	target = realpath(arg, NULL);
	if (!target) {
		sc_error("cannot write '%s': cannot resolve the symbolic link: "
			 "%s", arg, strerror(errno));
		return -1;
	}
	return replace_file(arg, target, st, prog);
}

/* Why an opened device, FIFO or socket must not be written, or NULL. */
static const char *in_place_problem(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return strerror(errno);
	/* swapped for a regular file since stat(): written in place, it would
	 * keep the tail of its old contents */
	if (S_ISREG(st.st_mode))
		return "it became a regular file while being opened";
	if (isatty(fd))
		return "refusing to write a binary program to a terminal";
	return NULL;
}

/* A device, FIFO or socket is written where it is: replacing it would
 * break whatever it is (a root run once turned /dev/null into a regular
 * file).  Without O_CREAT nothing is created, without O_TRUNC a device sees
 * only the write, and a FIFO's open waits for a reader, as a shell
 * redirection does. */
static int write_in_place(const char *arg, const struct sc_prog *prog)
{
	const char *why;
	int fd;

	/* a reader that goes away is an error to report, not a silent death */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		sc_error("cannot write '%s': cannot ignore SIGPIPE: %s", arg,
			 strerror(errno));
		return -1;
	}
	fd = open(arg, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		sc_error("cannot open '%s': %s", arg, strerror(errno));
		return -1;
	}
	why = in_place_problem(fd);
	if (!why && write_prog(fd, prog) < 0)
		why = strerror(errno);
	if (close(fd) < 0 && !why)
		why = strerror(errno);
	if (why)
		sc_error("cannot write '%s': %s", arg, why);
	return why ? -1 : 0;
}

/* -o PATH: what PATH is decides how it is written (seccomp-compile(1)).
 * stat(2) follows symbolic links, so a link gets the treatment of its
 * target; in a sticky world-writable directory the kernel's
 * protected_symlinks refuses to follow another user's link, as it does for
 * a shell redirection. */
static int write_output_file(const char *arg, const struct sc_prog *prog)
{
	struct stat st;

	if (stat(arg, &st) < 0) {
		if (errno == ENOENT)
			return write_new_file(arg, prog);
		sc_error("cannot write '%s': %s", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		sc_error("cannot write '%s': it is a directory", arg);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return replace_regular(arg, &st, prog);
	return write_in_place(arg, prog);
}

static int write_output(const struct cmdline *c, const struct sc_prog *prog)
{
	if (c->output && strcmp(c->output, "-") != 0)
		return write_output_file(c->output, prog);
	if (isatty(STDOUT_FILENO)) {
		sc_error("refusing to write a binary program to a terminal; use "
			 "-o FILE or a redirection");
		return -1;
	}
	if (write_all(STDOUT_FILENO, prog->insns,
		      prog->len * sizeof(*prog->insns)) < 0) {
		sc_error("cannot write to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Loads the program in a throw-away child (no_new_privs, so no privilege
 * is needed) to learn whether this kernel accepts it.  Returns 0 or the
 * kernel's errno. */
static int trial_load(const struct sc_prog *prog)
{
	struct sock_fprog fp = { .len = (unsigned short)prog->len,
				 .filter = prog->insns };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(100);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0)
			_exit(errno < 100 ? errno : 99);
		_exit(0);   /* the filter may kill us here: that is fine too */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status) == 100 ? EPERM : WEXITSTATUS(status);
	return 0;
}

static int check_file(const char *path)
{
	size_t len;
	sc_autofree char *data = sc_read_file(path, &len);
	char why[160];
	struct sc_prog prog;
	int err;

	if (!data) {
		sc_error("cannot read '%s': %s", path, strerror(errno));
		return 1;
	}
	if (len % sizeof(struct sock_filter)) {
		sc_error_at(SC_FILE_LOC(path), "%zu bytes is not a whole number "
			    "of 8-byte BPF instructions", len);
		return 1;
	}
	prog.insns = (struct sock_filter *)data;
	prog.len = len / sizeof(struct sock_filter);
	if (sc_validate(prog.insns, prog.len, why, sizeof(why)) < 0) {
		sc_error_at(SC_FILE_LOC(path), "%s", why);
		return 1;
	}
	err = trial_load(&prog);
	if (err) {
		sc_error_at(SC_FILE_LOC(path), "the kernel refused the program: "
			    "%s", strerror(err));
		return 1;
	}
	if (prog.insns[0].code != (BPF_LD | BPF_W | BPF_ABS) ||
	    prog.insns[0].k != 4)
		sc_warn_at(SC_FILE_LOC(path), "the program does not start by "
			   "checking the architecture; other ABIs may bypass it");
	printf("%s: %zu instructions, valid\n", path, prog.len);
	return 0;
}

static void list_presets(void)
{
	const struct sc_preset *p;

	for (size_t i = 0; (p = sc_preset_at(i)); i++)
		printf("%-16s %s\n", p->name, p->about);
}

static void list_groups(void)
{
	const struct sc_group *g;

	printf("# groups of %s\n", sc_groups_version);
	for (size_t i = 0; (g = sc_group_at(i)); i++)
		printf("%-16s %s\n", g->name, g->about);
}

static int show_group(const char *name)
{
	const struct sc_group *g = sc_group_find(name);

	if (!g) {
		sc_error("--show-group: unknown group '%s' (see --list-groups)",
			 name);
		return 1;
	}
	printf("# %s (%s): %s\n", g->name, sc_groups_version, g->about);
	for (const char *s = g->members; *s;) {
		size_t n = strcspn(s, " ");

		printf("%.*s\n", (int)n, s);
		s += n;
		s += *s == ' ';
	}
	return 0;
}

static int show_preset(const char *name)
{
	const struct sc_preset *p = sc_preset_find(name);

	if (!p) {
		sc_error("--show-preset: unknown preset '%s' (see "
			 "--list-presets)", name);
		return 1;
	}
	printf("# preset %s: %s\n%s", p->name, p->about, p->text);
	return 0;
}

static int compile(struct cmdline *c)
{
	struct sc_prog prog;
	char why[160];
	int r;

	if (c->explain)
		c->opt.explain_fd = STDOUT_FILENO;
	if (compile_input(c, &prog) < 0)
		return 1;
	r = sc_validate(prog.insns, prog.len, why, sizeof(why));
	if (r < 0 && prog.len > SC_MAX_INSNS)
		sc_error("the program has %zu instructions; the kernel accepts "
			 "at most %d (try fewer architectures with --arch, or "
			 "split the policy into filters stacked with "
			 "--add-seccomp-fd)", prog.len, SC_MAX_INSNS);
	else if (r < 0)
		sc_error("internal error: generated an invalid program: %s", why);
	if (r == 0 && c->opt.verbose)
		fprintf(stderr, "%s: %zu instructions\n", sc_progname, prog.len);
	if (r == 0 && c->explain)
		printf("# %zu instructions in total\n", prog.len);
	else if (r == 0)
		r = write_output(c, &prog);
	sc_prog_free(&prog);
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct cmdline c;

	if (argc > 0 && argv[0] && argv[0][0])
		sc_progname = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
						    : argv[0];
	if (parse_cmdline(argc, argv, &c) < 0)
		return 1;
	if (c.check)
		return check_file(c.check);
	if (c.list_presets) {
		list_presets();
		return 0;
	}
	if (c.list_groups) {
		list_groups();
		return 0;
	}
	if (c.show_group)
		return show_group(c.show_group);
	if (c.show_preset)
		return show_preset(c.show_preset);
	return compile(&c);
}
