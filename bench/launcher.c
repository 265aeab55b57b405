/*
 * launcher: the measuring half of the benchmark (bench/run is the other half).
 *
 *   launcher time [-r ROUNDS] [-w WARMUP] [-A] [-e FILE]... OPTFILE BIN... -- CMD...
 *   launcher rate [-r ROUNDS] [-w WARMUP] [-A] [-e FILE]... [-j JOBS] [-n LAUNCHES] OPTFILE BIN... -- CMD...
 *   launcher rss  [-r ROUNDS] [-w WARMUP] [-A] [-e FILE]... [-p COMM] OPTFILE BIN... -- CMD...
 *
 * OPTFILE holds the sandbox options as NUL-terminated words (CMD may be empty,
 * which times a bare BIN for reference). Every BIN is run
 * as  BIN <options> CMD...  (or, with -A,  BIN --args 3 CMD...  with OPTFILE
 * opened afresh on fd 3 for each launch), so all binaries get identical
 * arguments. Rounds are interleaved: A B A B ... Warm-up launches are run the
 * same way and thrown away.
 *
 * The i-th -e FILE (same format as OPTFILE) gives the i-th BIN extra words,
 * placed before the common ones: the same binary named several times with
 * different -e files compares option sets, interleaved like binaries are.
 *
 * Output, one line per BIN, in the order given (bench/run parses it):
 *   time: INDEX MEDIAN_MS MIN_MS MAX_MS RUNS FAILURES
 *   rate: INDEX MEDIAN_PER_S MIN_PER_S MAX_PER_S ROUNDS FAILURES
 *   rss:  INDEX MEDIAN_PEAK_KB MIN_PEAK_KB MAX_PEAK_KB ROUNDS FAILURES PROCS
 *
 * Timing uses CLOCK_MONOTONIC around posix_spawn() .. waitpid(), so a sample
 * is the whole life of the sandbox as its caller sees it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ARGS_FD 3
#define MAX_BINS 8

struct config {
	int rounds;
	int warmup;
	int jobs;
	int launches;
	int use_args_fd;
	const char *payload_comm;
	const char *optfile;
	char **bins;
	int nbins;
	char **cmd;
	int ncmd;
	char **opts;      /* words read from optfile */
	int nopts;
	char *optbuf;     /* the storage behind opts */
	const char *extra_files[MAX_BINS];
	int nextra_files;
	char **extra[MAX_BINS]; /* words of the -e files, per BIN */
	int nextra[MAX_BINS];
	char *extrabuf[MAX_BINS];
};

static void die(const char *msg)
{
	fprintf(stderr, "launcher: %s\n", msg);
	exit(2);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "launcher: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts in place. */
static double median(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("out of memory");
	return p;
}

/*
 * Reads NUL-terminated words from path into *words (storage in *buf); a
 * missing final NUL still ends the last word. Returns the number of words.
 */
static int load_words(const char *path, char ***words, char **buf)
{
	FILE *f = fopen(path, "r");
	long size;
	int n = 0;

	if (!f)
		die_errno(path);
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		die_errno(path);
	*buf = xcalloc(size + 1, 1);
	if (size && fread(*buf, 1, size, f) != (size_t)size)
		die_errno(path);
	fclose(f);
	for (long i = 0; i < size; i++)
		if ((*buf)[i] == '\0' || i == size - 1)
			n++;
	*words = xcalloc(n + 1, sizeof(char *));
	n = 0;
	for (long i = 0; i < size; i += strlen(*buf + i) + 1)
		(*words)[n++] = *buf + i;
	return n;
}

static void load_optfile(struct config *c)
{
	c->nopts = load_words(c->optfile, &c->opts, &c->optbuf);
	for (int b = 0; b < c->nextra_files; b++)
		c->nextra[b] = load_words(c->extra_files[b], &c->extra[b], &c->extrabuf[b]);
}

/* argv for one launch of BIN number b; the strings are borrowed from the config. */
static char **build_argv(const struct config *c, int b)
{
	static char args_flag[] = "--args", args_fd[] = "3";
	char **argv = xcalloc(3 + c->nextra[b] + c->nopts + c->ncmd + 1, sizeof(char *));
	int n = 0;

	argv[n++] = c->bins[b];
	for (int i = 0; i < c->nextra[b]; i++)
		argv[n++] = c->extra[b][i];
	if (c->use_args_fd) {
		argv[n++] = args_flag;
		argv[n++] = args_fd;
	} else {
		for (int i = 0; i < c->nopts; i++)
			argv[n++] = c->opts[i];
	}
	for (int i = 0; i < c->ncmd; i++)
		argv[n++] = c->cmd[i];
	argv[n] = NULL;
	return argv;
}

/*
 * Children still running, so that an interrupted benchmark leaves no sandbox
 * behind: on SIGINT/SIGTERM/SIGHUP they are killed before the launcher exits.
 */
#define MAX_LIVE 64
static volatile pid_t live[MAX_LIVE];

static void forget(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == pid)
			live[i] = 0;
}

static void remember(pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == 0) {
			live[i] = pid;
			return;
		}
	die("too many children");
}

static void kill_children_and_exit(int sig)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0)
			kill(live[i], SIGKILL);
	_exit(128 + sig);
}

static void set_interrupt_handlers(sigset_t *stop_signals)
{
	struct sigaction sa = { .sa_handler = kill_children_and_exit };
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(stop_signals);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(stop_signals, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static sigset_t stop_signals;

/* The stop signals are blocked until the new child is remembered. */
static pid_t spawn(const struct config *c, char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, old;
	pid_t pid;
	int err;

	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (c->use_args_fd)
		posix_spawn_file_actions_addopen(&fa, ARGS_FD, c->optfile, O_RDONLY, 0);
	sigprocmask(SIG_BLOCK, &stop_signals, &old);
	err = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	if (!err)
		remember(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err) {
		errno = err;
		die_errno(argv[0]);
	}
	return pid;
}

/* Returns 1 when the child exited with status 0; reports anything else once. */
static int reap(pid_t pid, const char *bin)
{
	static int reported;
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	forget(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	if (!reported++)
		fprintf(stderr, "launcher: %s: %s %d\n", bin,
			WIFEXITED(status) ? "exited with status" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

static void free_runs(const struct config *c, char ***argvs, double **samples)
{
	for (int b = 0; b < c->nbins; b++) {
		free(argvs[b]);
		free(samples[b]);
	}
}

static void print_stats(int idx, double *v, int n, int failures, const char *extra)
{
	double med = median(v, n);

	printf("%d %.3f %.3f %.3f %d %d%s\n", idx, med, n ? v[0] : 0, n ? v[n - 1] : 0,
	       n, failures, extra ? extra : "");
}

/* ---- time: sequential start latency ---------------------------------- */

static double time_one(const struct config *c, char **argv, int *ok)
{
	double t0 = now_ms();
	pid_t pid = spawn(c, argv);

	*ok = reap(pid, argv[0]);
	return now_ms() - t0;
}

static int run_time(struct config *c)
{
	double *samples[MAX_BINS];
	int nsamples[MAX_BINS] = {0}, failures[MAX_BINS] = {0};
	char **argvs[MAX_BINS];
	int ok;

	for (int b = 0; b < c->nbins; b++) {
		argvs[b] = build_argv(c, b);
		samples[b] = xcalloc(c->rounds, sizeof(double));
	}
	for (int r = 0; r < c->warmup; r++)
		for (int b = 0; b < c->nbins; b++)
			time_one(c, argvs[b], &ok);
	for (int r = 0; r < c->rounds; r++)
		for (int b = 0; b < c->nbins; b++) {
			double t = time_one(c, argvs[b], &ok);

			if (ok)
				samples[b][nsamples[b]++] = t;
			else
				failures[b]++;
		}
	for (int b = 0; b < c->nbins; b++)
		print_stats(b, samples[b], nsamples[b], failures[b], NULL);
	free_runs(c, argvs, samples);
	return 0;
}

/* ---- rate: sandboxes per second with JOBS launches in flight ----------- */

/* Runs `launches` sandboxes keeping `jobs` in flight; returns launches/second. */
static double rate_batch(const struct config *c, char **argv, int launches, int *failures)
{
	int started = 0, running = 0, status;
	double t0 = now_ms();
	pid_t pid;

	while (started < launches || running > 0) {
		while (running < c->jobs && started < launches) {
			spawn(c, argv);
			started++;
			running++;
		}
		pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			die_errno("wait");
		}
		forget(pid);
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			(*failures)++;
	}
	return launches / ((now_ms() - t0) / 1e3);
}

static int run_rate(struct config *c)
{
	double *samples[MAX_BINS];
	int failures[MAX_BINS] = {0}, ignored = 0;
	char **argvs[MAX_BINS];

	for (int b = 0; b < c->nbins; b++) {
		argvs[b] = build_argv(c, b);
		samples[b] = xcalloc(c->rounds, sizeof(double));
	}
	for (int r = 0; r < c->warmup; r++)
		for (int b = 0; b < c->nbins; b++)
			rate_batch(c, argvs[b], c->jobs * 2, &ignored);
	for (int r = 0; r < c->rounds; r++)
		for (int b = 0; b < c->nbins; b++)
			samples[b][r] = rate_batch(c, argvs[b], c->launches, &failures[b]);
	for (int b = 0; b < c->nbins; b++) {
		if (failures[b])
			fprintf(stderr, "launcher: %s: %d launches failed\n", c->bins[b], failures[b]);
		print_stats(b, samples[b], c->rounds, failures[b], NULL);
	}
	free_runs(c, argvs, samples);
	return 0;
}

/* ---- rss: peak RSS of the sandbox's own processes ---------------------- */

struct proc {
	pid_t pid, ppid;
	char comm[32];
};

/* Reads pid, ppid and comm from /proc/PID/stat; comm may contain ')' or spaces. */
static int read_stat(pid_t pid, struct proc *p)
{
	char path[64], buf[512], *open_paren, *close_paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	*close_paren = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", open_paren + 1);
	p->pid = pid;
	return sscanf(close_paren + 2, "%*c %d", &p->ppid) == 1 ? 0 : -1;
}

static int snapshot(struct proc *procs, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		die_errno("/proc");
	while ((e = readdir(d)) && n < max)
		if (isdigit((unsigned char)e->d_name[0]) && read_stat(atoi(e->d_name), &procs[n]) == 0)
			n++;
	closedir(d);
	return n;
}

/* Marks root and all its descendants in `in_tree`; returns how many. */
static int mark_tree(const struct proc *procs, int n, pid_t root, char *in_tree)
{
	int count = 0, changed = 1;

	for (int i = 0; i < n; i++)
		in_tree[i] = procs[i].pid == root;
	while (changed) {
		changed = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n && !in_tree[i]; j++)
				if (in_tree[j] && procs[i].ppid == procs[j].pid)
					in_tree[i] = changed = 1;
	}
	for (int i = 0; i < n; i++)
		count += in_tree[i];
	return count;
}

static long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t keylen = strlen(key);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, keylen) == 0 && line[keylen] == ':') {
			kb = strtol(line + keylen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

#define MAX_PROCS 65536

/* Checks for exit without reaping, so reap() still gets the status. */
static int has_exited(pid_t pid)
{
	siginfo_t info = {0};

	return waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0;
}

/*
 * Waits until a process named payload_comm runs under root, then sums VmHWM
 * (peak resident set) over every other process of the tree. Returns -1 if the
 * payload never showed up.
 */
static long sample_helpers(const struct config *c, pid_t root, int *nprocs)
{
	static struct proc procs[MAX_PROCS];
	static char in_tree[MAX_PROCS];
	double deadline = now_ms() + 10000;
	long total = 0;
	int n, found = 0;

	while (!found) {
		if (now_ms() > deadline || has_exited(root))
			return -1;
		n = snapshot(procs, MAX_PROCS);
		mark_tree(procs, n, root, in_tree);
		for (int i = 0; i < n; i++)
			found |= in_tree[i] && strcmp(procs[i].comm, c->payload_comm) == 0;
		if (!found)
			usleep(2000);
	}
	/* Let the helpers settle into their waiting state before sampling. */
	usleep(100000);
	n = snapshot(procs, MAX_PROCS);
	mark_tree(procs, n, root, in_tree);
	*nprocs = 0;
	for (int i = 0; i < n; i++) {
		long kb;

		if (!in_tree[i] || strcmp(procs[i].comm, c->payload_comm) == 0)
			continue;
		kb = status_kb(procs[i].pid, "VmHWM");
		if (kb < 0)
			continue;
		total += kb;
		(*nprocs)++;
	}
	return total;
}

static int run_rss(struct config *c)
{
	double *samples[MAX_BINS];
	int nsamples[MAX_BINS] = {0}, failures[MAX_BINS] = {0}, nprocs[MAX_BINS] = {0};
	char **argvs[MAX_BINS];
	char extra[32];

	for (int b = 0; b < c->nbins; b++) {
		argvs[b] = build_argv(c, b);
		samples[b] = xcalloc(c->rounds, sizeof(double));
	}
	for (int r = 0; r < c->warmup + c->rounds; r++)
		for (int b = 0; b < c->nbins; b++) {
			pid_t pid = spawn(c, argvs[b]);
			int procs = 0;
			long kb = sample_helpers(c, pid, &procs);
			int ok = reap(pid, c->bins[b]);

			if (r < c->warmup)
				continue;
			if (kb < 0 || !ok) {
				failures[b]++;
				continue;
			}
			samples[b][nsamples[b]++] = kb;
			nprocs[b] = procs;
		}
	for (int b = 0; b < c->nbins; b++) {
		snprintf(extra, sizeof(extra), " %d", nprocs[b]);
		print_stats(b, samples[b], nsamples[b], failures[b], extra);
	}
	free_runs(c, argvs, samples);
	return 0;
}

/* ---- command line ------------------------------------------------------ */

static void usage(void)
{
	fputs("usage: launcher time|rate|rss [-r ROUNDS] [-w WARMUP] [-A] [-e FILE]... [-j JOBS]\n"
	      "                [-n LAUNCHES] [-p COMM] OPTFILE BIN... -- CMD...\n", stderr);
	exit(2);
}

static int parse_count(const char *s, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > 1000000) {
		fprintf(stderr, "launcher: bad number: %s\n", s);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	struct config c = { .rounds = 11, .warmup = 2, .jobs = 2, .launches = 100,
			    .payload_comm = "sleep" };
	const char *mode;
	int opt, i, status = 2;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "+r:w:Ae:j:n:p:")) != -1) {
		switch (opt) {
		case 'r': c.rounds = parse_count(optarg, 1); break;
		case 'w': c.warmup = parse_count(optarg, 0); break;
		case 'A': c.use_args_fd = 1; break;
		case 'e':
			if (c.nextra_files == MAX_BINS)
				usage();
			c.extra_files[c.nextra_files++] = optarg;
			break;
		case 'j': c.jobs = parse_count(optarg, 1); break;
		case 'n': c.launches = parse_count(optarg, 1); break;
		case 'p': c.payload_comm = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	c.optfile = argv[optind++];
	c.bins = &argv[optind];
	for (i = optind; i < argc && strcmp(argv[i], "--") != 0; i++)
		c.nbins++;
	if (i >= argc || c.nbins == 0 || c.nbins > MAX_BINS || c.nextra_files > c.nbins)
		usage();
	c.cmd = &argv[i + 1];
	c.ncmd = argc - i - 1;
	load_optfile(&c);
	set_interrupt_handlers(&stop_signals);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mode, "time") == 0)
		status = run_time(&c);
	else if (strcmp(mode, "rate") == 0)
		status = run_rate(&c);
	else if (strcmp(mode, "rss") == 0)
		status = run_rss(&c);
	else
		usage();
	free(c.opts);
	free(c.optbuf);
	for (int b = 0; b < c.nextra_files; b++) {
		free(c.extra[b]);
		free(c.extrabuf[b]);
	}
	return status;
}
