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
include tests/seccomp-compile/tests.mk

bench/seccomp-bench: bench/seccomp-bench.c seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ bench/seccomp-bench.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

# `make seccomp-compile`: a short name for the program.
seccomp-compile: seccomp-compile/seccomp-compile

seccomp-clean: seccomp-tests-clean
	rm -f seccomp-compile/seccomp-compile bench/seccomp-bench

.PHONY: seccomp-compile seccomp-clean
