# seccomp-compile: the policy compiler (links libseccomp and json-c).
# Included by the top Makefile, which defines CC, BASE_CFLAGS, CFLAGS, ...

SECCOMP_SRCS := seccomp-compile.c seccomp-policy.c seccomp-build.c \
	seccomp-json.c seccomp-check.c seccomp-consts.c seccomp-groups.c \
	seccomp-presets.c
SECCOMP_HDRS := seccomp-compile.h
SECCOMP_PKGS := libseccomp json-c
SECCOMP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SECCOMP_PKGS))
SECCOMP_LIBS = $(shell $(PKG_CONFIG) --libs $(SECCOMP_PKGS))

seccomp-compile: $(SECCOMP_SRCS) $(SECCOMP_HDRS) seccomp.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(SECCOMP_CFLAGS) -o $@ \
	  $(SECCOMP_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) $(SECCOMP_LIBS)

# --- tests (Check) ----------------------------------------------------------
# check_seccomp runs the real seccomp-compile binary and, for the end-to-end
# test, the sandbox named by $FOIL (default: the foil built here).
tests/check_seccomp: tests/check_seccomp.c seccomp.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -o $@ \
	  tests/check_seccomp.c $(BASE_LDFLAGS) $(LDFLAGS) $(CHECK_LIBS)

tests/seccomp-probe: tests/seccomp-probe.c seccomp.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ tests/seccomp-probe.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

check-seccomp: seccomp-compile tests/check_seccomp tests/seccomp-probe
	cd tests && ./check_seccomp

bench/seccomp-bench: bench/seccomp-bench.c seccomp.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ bench/seccomp-bench.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

seccomp-clean:
	rm -f seccomp-compile tests/check_seccomp tests/seccomp-probe \
	  bench/seccomp-bench

.PHONY: check-seccomp seccomp-clean
