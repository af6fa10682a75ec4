/* check_shim.c — lets the supervisor harness reuse ref-device/tests/sup_harness.c, whose
 * set-up asserts with Check's ck_assert: outside a Check test runner libcheck's own
 * _mark_point exits ("not running tests"), so this file provides the two functions the
 * macros call. Linked before libcheck, the archive's versions are never pulled in. A
 * failed assertion in the rig aborts like a violated invariant. Depends on check.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

void _mark_point(const char *file, int line)
{
    (void)file;
    (void)line;
}

void _ck_assert_failed(const char *file, int line, const char *expr, const char *msg, ...)
{
    (void)msg;
    fprintf(stderr, "supervisor rig: %s:%d: %s\n", file, line, expr);
    abort();
}
