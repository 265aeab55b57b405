# Test build rules, included by the top Makefile.
#
# `make check` builds everything, runs the seccomp-compile checks, foil's
# unit tests (tests/foil/check_cmdline) and the integration suite.
# As root the integration suite runs three times (a throw-away user with a
# setuid-root copy of foil, the same user with plain foil, root); as
# another user it runs in user-namespace mode only and says what it skipped.
# `make check-root` is that three-mode run alone, and refuses to start
# without root. FOIL_TEST_UNPRIVILEGED_ONLY=1 makes `make check` as root skip
# the integration suite (it would create a user, mount a tmpfs and make
# setuid copies): what a package build chroot can run.
# FOIL=/path/to/binary tests another bwrap-compatible binary.
# The differential tests run the same arguments through a reference bwrap
# (BWRAP, default /usr/bin/bwrap); without one they print SKIP.

# The Check library, for every test program that uses it (seccomp-compile's
# too). Expanded only when such a program is built, so that building foil
# does not need it; without it, that build stops with one sentence.
CHECK_CFLAGS = $(if $(shell $(PKG_CONFIG) --exists check 2>/dev/null && echo y),,$(error \
  the tests need the Check library, found through pkg-config: apt-get install check pkg-config))$(shell \
  $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)
TEST_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARN) -O1 -g

# Helpers any test program may use (running and capturing, text, files).
TEST_LIB_SRCS := tests/lib/run.c tests/lib/text.c tests/lib/files.c
TEST_LIB_HDRS := tests/lib/run.h tests/lib/text.h tests/lib/files.h

INTEGRATION_SRCS := $(addprefix tests/foil/,main.c harness.c check_options.c check_namespaces.c \
  check_mounts.c check_files.c check_fd_protocols.c check_status_fds.c check_lifecycle.c \
  check_attacks.c check_attacks_procs.c check_differential.c check_confinement.c \
  check_rlimits.c check_cgroups.c) $(TEST_LIB_SRCS)
INTEGRATION_HDRS := tests/foil/harness.h tests/foil/suites.h tests/text-check.h $(TEST_LIB_HDRS)
TEST_PROGRAMS    := tests/foil/check_foil tests/foil/foil-probe

# Unit tests of foil's own parser and path helpers (written with foil):
# cmdline.c and what it needs, without sandbox.c.
UNIT_SRCS := cmdline.c optvalues.c callerns.c landlock.c lockdown.c privileged.c bind-mount.c overlay.c utils.c
TEST_PROGRAMS += tests/foil/check_cmdline

tests/foil/check_foil: $(INTEGRATION_SRCS) $(INTEGRATION_HDRS)
	$(CC) $(TEST_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ $(INTEGRATION_SRCS) $(LDFLAGS) $(CHECK_LIBS)

# Static, so a sandbox needs nothing but this one file bound in.
tests/foil/foil-probe: tests/foil/probe.c
	$(CC) $(TEST_CFLAGS) $(CFLAGS) $(CPPFLAGS) -static -o $@ $< $(LDFLAGS)

# The unit tests run under AddressSanitizer and UBSan: a parser bug that
# reads past a buffer must fail them even when the bytes beyond happen to be
# harmless.
UNIT_SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

tests/foil/check_cmdline: tests/foil/check_cmdline.c tests/text-check.h $(UNIT_SRCS) $(FOIL_HDRS)
	$(CC) $(BASE_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(UNIT_SANITIZE) -I. -o $@ tests/foil/check_cmdline.c \
	  $(UNIT_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) $(CHECK_LIBS)

test-programs: $(TEST_PROGRAMS)

check: all check-seccomp test-programs check-completions
	tests/foil/check_cmdline
	@if [ "$$(id -u)" = 0 ] && [ "$(FOIL_TEST_UNPRIVILEGED_ONLY)" = 1 ]; then \
	  echo "SKIP integration suite: FOIL_TEST_UNPRIVILEGED_ONLY=1 as root (its modes need a throw-away user, mounts and setuid copies: make check-root; or make check as another user for the user-namespace mode)"; \
	else echo tests/run-integration.sh; tests/run-integration.sh; fi

# The three-mode integration run alone (root only); FOIL_TEST_MODES and
# FOIL_TEST_ONLY narrow it (tests/run-integration.sh).
check-root: foil test-programs
	@[ "$$(id -u)" = 0 ] || { echo "make check-root: the three-mode integration run needs root (as another user, make check runs the user-namespace mode)" >&2; exit 1; }
	tests/run-integration.sh

# The integration suite alone, against any binary:
#   make check-integration FOIL=/usr/bin/bwrap
check-integration: test-programs
	tests/run-integration.sh

tests-clean:
	rm -f tests/foil/check_foil tests/foil/foil-probe tests/foil/check_cmdline

.PHONY: check check-root check-integration test-programs tests-clean

# The kernel matrix: Debian's 6.1 and 6.12 kernels under qemu, each running
# the integration suite in its three modes and the VM-only scenarios (see
# tests/kernels/run). Skips with a reason when qemu-system-x86 is missing.
check-kernels: all test-programs
	tests/kernels/run

.PHONY: check-kernels

include tests/flatpak/flatpak.mk
