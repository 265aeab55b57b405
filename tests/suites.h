/* Test tables of the integration suite; each entry says in which modes
 * (setuid copy, user namespaces, root) the test runs. */
#ifndef FOIL_TEST_SUITES_H
#define FOIL_TEST_SUITES_H

#include <check.h>

struct test_entry {
    const TTest *test;
    unsigned modes;   /* bit set of 1 << enum mode */
};
#define T(name, modes) { name, (modes) }

void register_attack_tests(TCase *tc);
void register_compat_tests(TCase *tc);

/* Adds the entries meant for cfg.mode; prints the others as skipped. */
void add_tests(TCase *tc, const struct test_entry *t);
/* Reads the environment into cfg (see run-integration.sh). */
void harness_init(void);
void harness_done(void);

#endif
