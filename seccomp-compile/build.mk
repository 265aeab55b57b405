# seccomp-compile: the policy compiler (links libseccomp and json-c).
# Included by the top Makefile, which defines CC, BASE_CFLAGS, CFLAGS,
# PKG_CONFIG, ...  The program is built as seccomp-compile/seccomp-compile;
# `make seccomp-compile` is a short name for it.

SC_BIN  := seccomp-compile/seccomp-compile
SC_SRCS := $(addprefix seccomp-compile/,main.c diag.c policy.c json.c \
	consts.c groups.c presets.c arch.c build.c emit.c check.c)
SC_HDRS := seccomp-compile/sc.h
SC_PKGS := libseccomp json-c
# Expanded only when the program is built, so that a host without the
# libraries can still build foil alone and run `make clean`.
SC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SC_PKGS) 2>/dev/null)
SC_LIBS   = $(shell $(PKG_CONFIG) --libs $(SC_PKGS) 2>/dev/null)

$(SC_BIN): $(SC_SRCS) $(SC_HDRS) seccomp-compile/build.mk
	@$(PKG_CONFIG) --exists $(SC_PKGS) 2>/dev/null || { echo "seccomp-compile" \
	  "needs libseccomp and json-c, which $(PKG_CONFIG) cannot find:" \
	  "install them (apt-get install pkg-config libseccomp-dev" \
	  "libjson-c-dev), or build foil alone with 'make foil'." >&2; exit 1; }
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(SC_CFLAGS) -o $@ \
	  $(SC_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) $(SC_LIBS)

seccomp-compile: $(SC_BIN)

# --- tests (Check) ----------------------------------------------------------
include tests/seccomp-compile/tests.mk

# --- benchmark (bench/seccomp.sh) -------------------------------------------
bench/seccomp-bench: bench/seccomp-bench.c seccomp-compile/build.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ bench/seccomp-bench.c \
	  $(BASE_LDFLAGS) $(LDFLAGS)

seccomp-clean: seccomp-tests-clean
	rm -f $(SC_BIN) bench/seccomp-bench

.PHONY: seccomp-compile seccomp-clean
