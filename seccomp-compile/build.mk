# seccomp-compile: the policy compiler (links libseccomp and json-c).
# Included by the top Makefile, which defines CC, BASE_CFLAGS, CFLAGS, ...

SECCOMP_SRCS := $(addprefix seccomp-compile/,main.c diag.c policy.c json.c \
	consts.c groups.c presets.c arch.c build.c emit.c check.c)
SECCOMP_HDRS := seccomp-compile/sc.h
SECCOMP_PKGS := libseccomp json-c
SECCOMP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SECCOMP_PKGS))
SECCOMP_LIBS = $(shell $(PKG_CONFIG) --libs $(SECCOMP_PKGS))

seccomp-compile/seccomp-compile: $(SECCOMP_SRCS) $(SECCOMP_HDRS) seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(SECCOMP_CFLAGS) -o $@ \
	  $(SECCOMP_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) $(SECCOMP_LIBS)

# --- tests (Check) ----------------------------------------------------------
# check_seccomp runs the real seccomp-compile binary and, for the end-to-end
# test, the sandbox named by $FOIL (default: the foil built here).
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check)

tests/check_seccomp: tests/check_seccomp.c seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -o $@ \
	  tests/check_seccomp.c $(BASE_LDFLAGS) $(LDFLAGS) $(CHECK_LIBS)

tests/seccomp-probe: tests/seccomp-probe.c seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ tests/seccomp-probe.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

check-seccomp: seccomp-compile/seccomp-compile tests/check_seccomp tests/seccomp-probe
	cd tests && ./check_seccomp

bench/seccomp-bench: bench/seccomp-bench.c seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ bench/seccomp-bench.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

# `make seccomp-compile`: a short name for the program.
seccomp-compile: seccomp-compile/seccomp-compile

seccomp-clean:
	rm -f seccomp-compile/seccomp-compile tests/check_seccomp tests/seccomp-probe \
	  bench/seccomp-bench

.PHONY: seccomp-compile check-seccomp seccomp-clean
