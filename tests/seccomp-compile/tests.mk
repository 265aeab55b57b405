# Tests of seccomp-compile, included by seccomp-compile/build.mk: the
# program's build file brings its tests along, as foil's Makefile brings
# tests/tests.mk.  `make check-seccomp` runs them (`make check` does too).
#
# check_seccomp runs the real seccomp-compile binary and, for the end-to-end
# test, the sandbox named by $FOIL (default: the foil built here); it runs
# from this directory, where seccomp-probe and the policy files are.
# CHECK_CFLAGS and CHECK_LIBS come from tests/tests.mk, and so do
# TEST_LIB_SRCS and TEST_LIB_HDRS, the helpers in tests/lib that run a
# program and capture its output (the top Makefile includes tests/tests.mk
# first, so that they are set when the rule below is read).

SC_TEST_DIR := tests/seccomp-compile

# The test program is made of one file per topic (harness.h lists them).
SC_TEST_SRCS := $(addprefix $(SC_TEST_DIR)/,main.c harness.c check_policy.c \
  check_json.c check_output.c check_cli.c check_presets.c check_end_to_end.c)
SC_TEST_HDRS := $(SC_TEST_DIR)/harness.h

$(SC_TEST_DIR)/check_seccomp: $(SC_TEST_SRCS) $(SC_TEST_HDRS) $(TEST_LIB_SRCS) \
  $(TEST_LIB_HDRS) $(SC_TEST_DIR)/tests.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -o $@ \
	  $(SC_TEST_SRCS) $(TEST_LIB_SRCS) $(BASE_LDFLAGS) $(LDFLAGS) $(CHECK_LIBS)

$(SC_TEST_DIR)/seccomp-probe: $(SC_TEST_DIR)/seccomp-probe.c $(SC_TEST_DIR)/tests.mk
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ $< \
	  $(BASE_LDFLAGS) $(LDFLAGS)

# FOIL_TEST_UNPRIVILEGED_ONLY=1 (see tests/tests.mk) skips the end-to-end
# test as root: the sandbox would run as root and mount file systems.
check-seccomp: $(SC_BIN) $(SC_TEST_DIR)/check_seccomp $(SC_TEST_DIR)/seccomp-probe
	cd $(SC_TEST_DIR) && FOIL_TEST_UNPRIVILEGED_ONLY='$(FOIL_TEST_UNPRIVILEGED_ONLY)' ./check_seccomp

seccomp-tests-clean:
	rm -f $(SC_TEST_DIR)/check_seccomp $(SC_TEST_DIR)/seccomp-probe

.PHONY: check-seccomp seccomp-tests-clean
