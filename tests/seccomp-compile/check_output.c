/* check_output.c: what the compiler writes, and where: the size limits
 * that stop it, -o and what is already at that path, standard output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"

/* ---- size limits, no partial output ------------------------------------ */

START_TEST(too_many_instructions)
{
	static const char *const calls[] = { "read", "write", "open", "close",
		"stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect",
		"munmap", "brk", "ioctl", "pread64", "pwrite64", "readv",
		"writev", "access", "pipe", "select", "sched_yield", "mremap",
		"msync", "mincore", "madvise", "shmget", "shmat", "shmctl",
		"dup", "dup2", "pause", "nanosleep", "getitimer", "alarm",
		"setitimer", "getpid", "sendfile", "socket", "connect" };
	size_t cap = 900 * 64, n = 0;
	char *policy = malloc(cap);
	unsigned k = 0;
	struct result r = { 0 };

	/* masked comparisons with distinct masks cannot share instructions:
	 * about 4600 instructions over three architectures */
	n += (size_t)snprintf(policy + n, cap - n, "default allow\n"
			      "arch x86_64 x86 x32\n");
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
		for (unsigned i = 0; i < 20; i++, k++)
			n += (size_t)snprintf(policy + n, cap - n, "deny %s a%u & "
					      "0x%x == 0x%x errno 1\n", calls[c],
					      i % 6, (k << 4) | 15, k << 4);
	write_file(out_path, "previous contents");
	compile_policy(policy, NULL, &r);
	free(policy);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "the kernel accepts at most 4096") != NULL,
		      "%s", r.err);
	ck_assert(!exists(out_path));
	result_free(&r);
}
END_TEST

START_TEST(too_many_rules_per_call)
{
	size_t cap = 300 * 48, n = 0;
	char *policy = malloc(cap);
	struct result r = { 0 };

	n += (size_t)snprintf(policy + n, cap - n, "default allow\n");
	for (int i = 0; i < 257; i++)
		n += (size_t)snprintf(policy + n, cap - n,
				      "deny getppid a0 == %d errno 1\n", i);
	compile_policy(policy, NULL, &r);
	free(policy);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "policy:258:6: more than 256 conditional "
			     "rules for 'getppid'\n") != NULL, "%s", r.err);
	ck_assert(!exists(out_path));
	result_free(&r);
}
END_TEST

START_TEST(output_never_partial)
{
	struct result r = { 0 };
	char *argv[] = { (char *)compiler(), "--preset", "flatpak", "-o",
			 out_path, NULL };
	char *bad[] = { (char *)compiler(), "--preset", "flatpak", "-o",
			tmp_path("no/such/dir/out.bpf"), NULL };
	struct stat st;

	/* a failing compile leaves an existing output untouched */
	write_file(out_path, "previous contents");
	write_file(tmp_path("bad.policy"), "default allow\ndeny bogus(\n");
	{
		char *b[] = { (char *)compiler(), "-o", out_path,
			      tmp_path("bad.policy"), NULL };
		run(b, NULL, &r);
	}
	ck_assert_int_eq(r.code, 1);
	ck_assert(stat(out_path, &st) == 0 && st.st_size == 17);
	run(argv, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert(stat(out_path, &st) == 0 && st.st_size % 8 == 0 &&
		  st.st_size > 17);
	run(bad, NULL, &r);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "cannot create a file in") != NULL, "%s", r.err);
	result_free(&r);
}
END_TEST

START_TEST(no_temp_files_left)
{
	char *argv[] = { (char *)compiler(), "--preset", "build", "-o",
			 out_path, NULL };
	struct result r = { 0 };
	char cmd[256];

	run(argv, NULL, &r);
	ck_assert_int_eq(r.code, 0);
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A %s | grep -v '^out.bpf$')\" "
		 "= \"\"", tmpdir);
	ck_assert_msg(system(cmd) == 0, "stray files in %s", tmpdir);
	result_free(&r);
}
END_TEST

/* ---- -o and what is already there ---------------------------------------
 * A regular file (or nothing) is replaced atomically, keeping its mode and,
 * for root, its owner; devices and FIFOs are written in place; symbolic
 * links are followed, and a link to nothing is refused. */

static const char small_policy[] = "default allow\ndeny getppid errno 3\n";

/* What compiling small_policy must produce, from standard output. */
static void small_program(struct result *ref)
{
	char *argv[] = { (char *)compiler(), "-", NULL };

	run(argv, small_policy, ref);
	ck_assert_msg(ref->code == 0, "%s", ref->err);
	ck_assert(ref->out_len > 0 && ref->out_len % 8 == 0);
}

/* Compiles small_policy (from the file "policy") with -o dest. */
static void compile_to(const char *dest, struct result *r)
{
	char *argv[] = { (char *)compiler(), "-o", (char *)dest,
			 tmp_path("policy"), NULL };

	write_file(tmp_path("policy"), small_policy);
	run(argv, NULL, r);
}

/* tmp_path's buffers are reused after four calls: a path a test keeps
 * across other calls goes into the test's own buffer. */
static char *keep_path(char buf[static 192], const char *name)
{
	snprintf(buf, 192, "%s/%s", tmpdir, name);
	return buf;
}

/* Fails unless `dir` holds nothing but `names`: a temporary file left
 * behind shows up here. */
static void only_entries(const char *dir, const char *const *names)
{
	DIR *d = opendir(dir);
	const struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");

		for (const char *const *n = names; !known && *n; n++)
			known = strcmp(e->d_name, *n) == 0;
		ck_assert_msg(known, "stray file %s/%s", dir, e->d_name);
	}
	ck_assert(closedir(d) == 0);
}

/* The error is one line that names the -o argument, quoted. */
static void one_line_naming(const char *err, const char *arg)
{
	char quoted[256];
	const char *nl = strchr(err, '\n');

	snprintf(quoted, sizeof(quoted), "'%s'", arg);
	ck_assert_msg(nl && nl[1] == '\0', "not one line: %s", err);
	ck_assert_msg(strstr(err, quoted) != NULL, "%s not named: %s", quoted,
		      err);
}

/* Fails unless `path` is a regular file holding exactly `ref`'s program. */
static void holds_program(const char *path, const struct result *ref)
{
	char buf[4096];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "cannot open %s", path);
	ck_assert(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, ref->out_len);
	ck_assert(read(fd, buf, sizeof(buf)) == (ssize_t)ref->out_len);
	ck_assert(memcmp(buf, ref->out, ref->out_len) == 0);
	close(fd);
}

static void has_mode(const char *path, mode_t mode)
{
	struct stat st;

	ck_assert(stat(path, &st) == 0);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %04o, not %04o",
		      path, (unsigned)(st.st_mode & 07777), (unsigned)mode);
}

START_TEST(output_char_device)
{
	static const char *const left[] = { "null", "policy", NULL };
	char buf[192];
	const char *dev = keep_path(buf, "null");
	struct stat before, after;
	struct result r = { 0 };
	int fd;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: skipped: creating a device node needs "
			"root\n", __func__);
		return;
	}
	/* a copy of /dev/null (1,3), so that a bug cannot harm the real one */
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) < 0) {
		fprintf(stderr, "%s: skipped: mknod: %s (a user namespace?)\n",
			__func__, strerror(errno));
		return;
	}
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: skipped: cannot open a device in %s: %s "
			"(mounted nodev?)\n", __func__, tmpdir, strerror(errno));
		return;
	}
	close(fd);
	ck_assert(lstat(dev, &before) == 0);
	compile_to(dev, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert(lstat(dev, &after) == 0);
	ck_assert_msg(S_ISCHR(after.st_mode) &&
		      after.st_rdev == makedev(1, 3) &&
		      after.st_ino == before.st_ino,
		      "the device node was replaced (mode %o)", after.st_mode);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(output_fifo)
{
	static const char *const left[] = { "fifo", "policy", NULL };
	char path[192], buf[4096];
	const char *fifo = keep_path(path, "fifo");
	struct result ref = { 0 }, r = { 0 };
	struct stat st;
	int fd;

	small_program(&ref);
	/* The reader is this process, and nothing waits: a non-blocking open
	 * for reading succeeds at once, the compiler's open for writing then
	 * finds a reader, and a program this small fits any pipe buffer (one
	 * page at least), so the compiler exits before the read. */
	ck_assert(ref.out_len < 4096);
	ck_assert(mkfifo(fifo, 0600) == 0);
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert(fd >= 0);
	compile_to(fifo, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), ref.out_len);
	ck_assert(memcmp(buf, ref.out, ref.out_len) == 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 0);   /* closed */
	close(fd);
	ck_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_regular_keeps_mode)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct result ref = { 0 }, r = { 0 };

	small_program(&ref);
	umask(022);     /* the mode a new file would get is then 0644 */
	write_file(out_path, "previous contents");
	ck_assert(chmod(out_path, 0640) == 0);
	compile_to(out_path, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	holds_program(out_path, &ref);
	has_mode(out_path, 0640);
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_regular_keeps_owner)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct result ref = { 0 }, r = { 0 };
	struct stat st;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: skipped: only root can keep another "
			"user's ownership\n", __func__);
		return;
	}
	small_program(&ref);
	write_file(out_path, "previous contents");
	if (chown(out_path, 1, 1) < 0) {
		fprintf(stderr, "%s: skipped: chown to uid 1: %s (a user "
			"namespace without it?)\n", __func__, strerror(errno));
		result_free(&ref);
		return;
	}
	ck_assert(chmod(out_path, 0604) == 0);
	compile_to(out_path, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	holds_program(out_path, &ref);
	ck_assert(stat(out_path, &st) == 0);
	ck_assert_msg(st.st_uid == 1 && st.st_gid == 1, "owner %d:%d",
		      (int)st.st_uid, (int)st.st_gid);
	has_mode(out_path, 0604);
	only_entries(tmpdir, left);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_symlink_followed)
{
	static const char *const left[] = { "link.bpf", "real", "policy", NULL };
	static const char *const left_real[] = { "target.bpf", NULL };
	char lbuf[192], dbuf[192], tbuf[192], text[64];
	const char *link = keep_path(lbuf, "link.bpf");
	const char *real = keep_path(dbuf, "real");
	const char *target = keep_path(tbuf, "real/target.bpf");
	struct result ref = { 0 }, r = { 0 };
	struct stat st;
	ssize_t n;

	small_program(&ref);
	ck_assert(mkdir(real, 0700) == 0);
	write_file(target, "previous contents");
	ck_assert(chmod(target, 0640) == 0);
	ck_assert(symlink("real/target.bpf", link) == 0);
	compile_to(link, &r);
	ck_assert_msg(r.code == 0, "status %d: %s", r.code, r.err);
	ck_assert_msg(lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
		      "the link was replaced");
	n = readlink(link, text, sizeof(text) - 1);
	ck_assert(n > 0);
	text[n] = '\0';
	ck_assert_str_eq(text, "real/target.bpf");
	holds_program(target, &ref);
	has_mode(target, 0640);
	only_entries(tmpdir, left);
	only_entries(real, left_real);
	result_free(&ref);
	result_free(&r);
}
END_TEST

START_TEST(output_dangling_symlink_refused)
{
	static const char *const left[] = { "link.bpf", "policy", NULL };
	char buf[192];
	const char *link = keep_path(buf, "link.bpf");
	struct result r = { 0 };
	struct stat st;

	ck_assert(symlink("missing.bpf", link) == 0);
	compile_to(link, &r);
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, link);
	ck_assert(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	ck_assert(!exists(tmp_path("missing.bpf")));
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(output_missing_directory)
{
	static const char *const left[] = { "policy", NULL };
	char buf[192];
	const char *dest = keep_path(buf, "no/such/dir/out.bpf");
	struct result r = { 0 };

	compile_to(dest, &r);
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, dest);
	ck_assert_msg(strstr(r.err, "No such file or directory") != NULL, "%s",
		      r.err);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

/* When the last step, the rename, fails (made to by a filter), the
 * temporary file is removed and the old output left alone. */
START_TEST(output_rename_error_leaves_nothing)
{
	static const char *const left[] = { "out.bpf", "policy", NULL };
	struct prog p = must_compile("default allow\n"
				     "deny rename renameat renameat2 errno 5\n",
				     NULL);
	struct result r = { 0 };
	struct stat st;

	write_file(out_path, "previous contents");
	child_filter.len = p.len;
	child_filter.filter = p.insns;
	compile_to(out_path, &r);
	child_filter.len = 0;
	ck_assert_int_eq(r.code, 1);
	one_line_naming(r.err, out_path);
	ck_assert_msg(strstr(r.err, strerror(EIO)) != NULL, "%s", r.err);
	ck_assert(stat(out_path, &st) == 0 && st.st_size == 17);
	only_entries(tmpdir, left);
	result_free(&r);
}
END_TEST

START_TEST(stdout_output)
{
	char *argv[] = { (char *)compiler(), "-", NULL };
	struct result r = { 0 };

	run(argv, "default allow\ndeny getppid errno 3\n", &r);
	ck_assert_int_eq(r.code, 0);
	ck_assert(r.out_len > 0 && r.out_len % 8 == 0);
	ck_assert_str_eq(r.err, "");
	result_free(&r);
}
END_TEST

void register_output_tests(const struct tcases *tc)
{
	tcase_add_test(tc->output, too_many_instructions);
	tcase_add_test(tc->output, too_many_rules_per_call);
	tcase_add_test(tc->output, output_never_partial);
	tcase_add_test(tc->output, no_temp_files_left);
	tcase_add_test(tc->output, output_char_device);
	tcase_add_test(tc->output, output_fifo);
	tcase_add_test(tc->output, output_regular_keeps_mode);
	tcase_add_test(tc->output, output_regular_keeps_owner);
	tcase_add_test(tc->output, output_symlink_followed);
	tcase_add_test(tc->output, output_dangling_symlink_refused);
	tcase_add_test(tc->output, output_missing_directory);
	tcase_add_test(tc->output, output_rename_error_leaves_nothing);
	tcase_add_test(tc->output, stdout_output);
}
