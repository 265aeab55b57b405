/* Test tables of the integration suite; each entry says in which modes
 * (setuid copy, user namespaces, root) the test runs. One table per file,
 * registered by main.c. */
#ifndef FOIL_TEST_SUITES_H
#define FOIL_TEST_SUITES_H

#include <check.h>

#include "harness.h"

struct test_entry {
  const TTest *test;
  unsigned modes; /* bit set of 1 << enum suite_mode */
};
/* clang-format off */
#define T(name, modes) { name, (modes) }
/* clang-format on */

#define S (1u << SUITE_SETUID)
#define U (1u << SUITE_USERNS)
#define R (1u << SUITE_ROOT)
#define ALL (S | U | R)

void register_option_tests(TCase *tc);
void register_namespace_tests(TCase *tc);
void register_mount_tests(TCase *tc);
void register_file_tests(TCase *tc);
void register_fd_protocol_tests(TCase *tc);
void register_status_fd_tests(TCase *tc);
void register_lifecycle_tests(TCase *tc);
void register_attack_tests(TCase *tc);
void register_process_attack_tests(TCase *tc);
void register_differential_tests(TCase *tc);
void register_confinement_tests(TCase *tc);
void register_rlimit_tests(TCase *tc);
void register_cgroup_tests(TCase *tc);

/* Adds the entries meant for suite.mode; prints the others as skipped. */
void add_tests(TCase *tc, const struct test_entry *t);
/* Reads the environment into suite (see run-integration.sh). */
void harness_init(void);
void harness_done(void);

/* Argument lists of check_files.c that check_differential.c runs through
 * the reference bwrap too. */
void default_modes_args(struct args *a, int *fds);
void perms_parent_args(struct args *a, const char *perms, int *fds);
extern const char *const parent_perms[13];

#endif
