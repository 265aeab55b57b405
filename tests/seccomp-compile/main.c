/* The tests of seccomp-compile (the program check_seccomp).
 *
 * Behavioural: every program is compiled by the real binary, loaded in a
 * forked child with no_new_privs, and probed with raw system calls; a call
 * counts as allowed when it ends exactly as it does without the filter.
 * The tests are grouped by topic, one file each (harness.h lists them);
 * this file puts them into the suite's test cases.
 * Run from tests/seccomp-compile/ (make check-seccomp does).  Environment:
 *   SECCOMP_COMPILE  the compiler
 *                    (default ../../seccomp-compile/seccomp-compile)
 *   FOIL             the sandbox for the end-to-end test (default ../../foil)
 *   FOIL_TEST_UNPRIVILEGED_ONLY
 *                    1: as root, skip the end-to-end test (the sandbox,
 *                    run as root, mounts file systems), as `make check`
 *                    then skips foil's integration suite
 */
#include "harness.h"

static TCase *tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp-compile");
	const struct tcases tc = {
		.presets = tcase("presets"),
		.json = tcase("json"),
		.policy = tcase("policy"),
		.output = tcase("output"),
		.malformed = tcase("malformed"),
		.end_to_end = tcase("end-to-end"),
	};

	register_preset_tests(&tc);
	register_json_tests(&tc);
	register_policy_tests(&tc);
	register_output_tests(&tc);
	register_cli_tests(&tc);
	register_end_to_end_tests(&tc);
	suite_add_tcase(s, tc.presets);
	suite_add_tcase(s, tc.json);
	suite_add_tcase(s, tc.policy);
	suite_add_tcase(s, tc.output);
	suite_add_tcase(s, tc.malformed);
	suite_add_tcase(s, tc.end_to_end);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
