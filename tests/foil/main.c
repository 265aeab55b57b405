/* The integration suite of foil: it runs the real binary named by $FOIL,
 * and run-integration.sh runs it three times (setuid copy, user
 * namespaces, root); the mode is the test case name in Check's output.
 *
 * The tests are grouped by topic, one file each (see the registration
 * calls below); the helpers are in harness.c, the program run inside the
 * sandboxes is probe.c. Expected messages, modes and JSON keys are those
 * of bwrap (checked against Debian's 0.8.0), and the tests pass against
 * bwrap unless a comment says otherwise. Tests of options that 0.8.0
 * lacks (--argv0, --level-prefix, overlays) and of foil's extensions
 * print SKIP when the binary under test is bwrap itself. */
#include "harness.h"
#include "suites.h"

static void (*const registrations[])(TCase *) = {
  register_option_tests,         register_namespace_tests,    register_mount_tests,     register_file_tests,
  register_fd_protocol_tests,    register_status_fd_tests,    register_lifecycle_tests, register_attack_tests,
  register_process_attack_tests, register_differential_tests, register_confinement_tests,
  register_rlimit_tests,         register_cgroup_tests,
};

int main(void)
{
  harness_init();
  Suite *s = suite_create("foil");
  for (size_t i = 0; i < sizeof registrations / sizeof registrations[0]; i++)
    {
      TCase *tc = tcase_create(suite.mode_name);
      registrations[i](tc);
      suite_add_tcase(s, tc);
    }
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  harness_done();
  return failed ? 1 : 0;
}
