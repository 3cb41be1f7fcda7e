/*
 * The officers' CSV file (custody officer import): UTF-8, a BOM tolerated, a header line
 * naming the columns (警号,姓名,单位,性别 or number,name,unit,sex, in any order; 警号 and 姓名
 * required), then one officer a line. Fields may be quoted ("a, b" with "" for a quote).
 */
#ifndef CUSTODY_OFFICER_CSV_H
#define CUSTODY_OFFICER_CSV_H

#include <stddef.h>

#include "error.h"
#include "officer.h"

#define OFFICER_CSV_LINE_MAX 1024	/* bytes of one line */
#define OFFICER_CSV_LINES_MAX 100000
#define OFFICER_CSV_BYTES_MAX (8 << 20)

/*
 * Called for each line after the header that is not empty: o when the line is good, else
 * NULL and why (translated, naming the field). Returns non-zero to stop.
 */
typedef int officer_csv_fn(void *arg, int line, const struct officer *o, const char *why);

/*
 * Parses len bytes of text. CST_ERR_INPUT (with a message) when the file as a whole is not
 * one (no header, a header without 警号 or 姓名, too big); bad lines only go to fn.
 */
int officer_csv_parse(const char *text, size_t len, officer_csv_fn *fn, void *arg,
    struct errmsg *em);

#endif
