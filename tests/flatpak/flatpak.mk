# Flatpak's own installed tests with foil as Flatpak's bwrap (tests/flatpak/run).
# Needs root and: apt-get install flatpak flatpak-tests gnome-desktop-testing
# Not part of `make check`: the full run takes 20-30 minutes per mode.
#   make check-flatpak         every test, setuid-root foil then plain foil
#   make check-flatpak-quick   the tests that use the helper most, and the
#                              portal test that reads the app's /proc/PID/root,
#                              both modes
#   make check-flatpak-bwrap   every test with Debian's bwrap, the reference
# FOIL=, BWRAP=, FLATPAK_TESTS_KEEP=DIR etc. are passed on to the script.

FLATPAK_QUICK_TESTS := testlibrary test-seccomp.sh 'test-run@user,nodeltas.wrap' \
	'test-update-portal@user.wrap'

# Both modes run even when the first one fails.
check-flatpak: foil
	@rc=0; for m in setuid userns; do tests/flatpak/run $$m || rc=1; done; exit $$rc

# CI's run: a failing test gets one more run (reported), as these are
# Flatpak's tests with their own timing: test-update-portal's update helper
# once ended before its first message (flatpak-portal's "Update ended
# unexpectedly") in one mode of one run, and passed in every run since.
check-flatpak-quick: foil
	@rc=0; for m in setuid userns; do FLATPAK_TESTS_RETRY=1 tests/flatpak/run $$m $(FLATPAK_QUICK_TESTS) || rc=1; done; exit $$rc

check-flatpak-bwrap:
	tests/flatpak/run bwrap

.PHONY: check-flatpak check-flatpak-quick check-flatpak-bwrap
