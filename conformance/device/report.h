/* report.h — the suite's results and the files made from them: JUnit XML for CI systems
 * (one testcase per case, requirement IDs as properties, failures with the exchange) and
 * a Markdown report (summary, per-service table, each failure with its exchange). */
#ifndef TETHER_CONFORM_REPORT_H
#define TETHER_CONFORM_REPORT_H

#include <stddef.h>

#include "conform.h"

struct conf_outcome {
    const char *group;
    const struct conf_case *k;
    enum conf_result r;
    char why[256];
    char *trace; /* heap copy of the case's exchanges (failures only), or NULL */
    double seconds;
};

/* Both return 0, or -1 if the file cannot be written. */
int conf_write_junit(const char *path, const char *suite, const struct conf_outcome *o,
                     size_t n, double seconds);
int conf_write_markdown(const char *path, const char *title, const char *target,
                        const struct conf_outcome *o, size_t n);

#endif
