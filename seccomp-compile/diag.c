/* diag.c: what every part of seccomp-compile shares: the program name,
 * error and warning messages, allocation that cannot fail, and reading a
 * whole input file. */
#include "sc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs larger than this are refused rather than read into memory. */
#define MAX_INPUT_BYTES (4u << 20)

const char *sc_progname = "seccomp-compile";

/* "PROG: [LOCATION: ][warning: ][JSON-PATH: ]MESSAGE".  LOCATION is
 * FILE:LINE:COL, or FILE alone when the message is about the whole file
 * or about a JSON value (then named by its path). */
void sc_vreport_at(const struct sc_loc *loc, enum sc_level level,
		   const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", sc_progname);
	if (loc && loc->line)
		fprintf(stderr, "%s:%u:%u: ", loc->file, loc->line, loc->col);
	else if (loc)
		fprintf(stderr, "%s: ", loc->file);
	if (level == SC_WARNING)
		fputs("warning: ", stderr);
	if (loc && loc->path && loc->path[0])
		fprintf(stderr, "%s: ", loc->path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sc_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(NULL, SC_ERROR, fmt, ap);
	va_end(ap);
}

void sc_error_at(const struct sc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(loc, SC_ERROR, fmt, ap);
	va_end(ap);
}

void sc_warn_at(const struct sc_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vreport_at(loc, SC_WARNING, fmt, ap);
	va_end(ap);
}

void *sc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		sc_error("out of memory");
		exit(1);
	}
	return p;
}

void *sc_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		sc_error("out of memory");
		exit(1);
	}
	return p;
}

char *sc_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(sc_xmalloc(n), s, n);
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = sc_xmalloc(cap);

	for (;;) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
		if (n > MAX_INPUT_BYTES) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		if (cap - n - 1 == 0)
			buf = sc_xrealloc(buf, cap *= 2);
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Reads a whole file ("-" = stdin) into memory.  NULL + errno on error. */
char *sc_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *text;
	int saved;

	if (!f)
		return NULL;
	text = read_all(f, len);
	saved = errno;
	if (f != stdin)
		fclose(f);
	errno = saved;
	return text;
}
