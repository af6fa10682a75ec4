/* file_problem.h — internal to keyfile.c and device_record.c: how a file parser records the
 * one line tt_file_problem() returns. */
#ifndef TETHER_CLIENT_FILE_PROBLEM_H
#define TETHER_CLIENT_FILE_PROBLEM_H

#include "tether/err.h"

/* Records why (printf-style) for tt_file_problem(), and returns e, so a refusal is one
 * statement. */
__attribute__((format(printf, 2, 3))) tt_err tt_file_refuse(tt_err e, const char *fmt, ...);

#endif
