/* report.c — JUnit XML and Markdown from the suite's outcomes (report.h). */
#include "report.h"

#include <stdio.h>
#include <string.h>

static void xml_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n')
                fputc(*s, f);
        }
    }
}

/* Each "[XXX-NNN]" of ids as a requirement property. */
static void xml_ids(FILE *f, const char *ids)
{
    const char *p = ids;
    while ((p = strchr(p, '[')) != NULL) {
        const char *q = strchr(p, ']');
        if (!q)
            break;
        fprintf(f, "        <property name=\"requirement\" value=\"%.*s\"/>\n",
                (int)(q - p - 1), p + 1);
        p = q + 1;
    }
}

int conf_write_junit(const char *path, const char *suite, const struct conf_outcome *o,
                     size_t n, double seconds)
{
    FILE *f = fopen(path, "w");
    size_t fails = 0, skips = 0;
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++) {
        fails += o[i].r == CONF_FAIL;
        skips += o[i].r == CONF_NA;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"%s\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" "
               "time=\"%.3f\">\n", suite, n, fails, skips, seconds);
    for (size_t i = 0; i < n;) {
        size_t j = i, gf = 0, gs = 0;
        double gt = 0;
        while (j < n && o[j].group == o[i].group) {
            gf += o[j].r == CONF_FAIL;
            gs += o[j].r == CONF_NA;
            gt += o[j].seconds;
            j++;
        }
        fprintf(f, "  <testsuite name=\"%s.%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                   "skipped=\"%zu\" time=\"%.3f\">\n", suite, o[i].group, j - i, gf, gs, gt);
        for (; i < j; i++) {
            fprintf(f, "    <testcase classname=\"%s.%s\" name=\"", suite, o[i].group);
            xml_text(f, o[i].k->ids);
            fputc(' ', f);
            xml_text(f, o[i].k->title);
            fprintf(f, "\" time=\"%.3f\">\n      <properties>\n", o[i].seconds);
            xml_ids(f, o[i].k->ids);
            fprintf(f, "      </properties>\n");
            if (o[i].r == CONF_FAIL) {
                fprintf(f, "      <failure message=\"");
                xml_text(f, o[i].why);
                fprintf(f, "\" type=\"nonconformance\">");
                xml_text(f, o[i].trace);
                fprintf(f, "</failure>\n");
            } else if (o[i].r == CONF_NA) {
                fprintf(f, "      <skipped message=\"not applicable: ");
                xml_text(f, o[i].why);
                fprintf(f, "\"/>\n");
            }
            fprintf(f, "    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
    return fclose(f) == 0 ? 0 : -1;
}

static const char *word(enum conf_result r)
{
    return r == CONF_PASS ? "pass" : r == CONF_FAIL ? "**FAIL**" : "n/a";
}

int conf_write_markdown(const char *path, const char *title, const char *target,
                        const struct conf_outcome *o, size_t n)
{
    FILE *f = fopen(path, "w");
    size_t p = 0, x = 0, na = 0;
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++) {
        p += o[i].r == CONF_PASS;
        x += o[i].r == CONF_FAIL;
        na += o[i].r == CONF_NA;
    }
    fprintf(f, "# %s\n\nTarget: %s\n\n**%s**: %zu cases, %zu passed, %zu failed, %zu not "
               "applicable.\n\n## Per service\n\n| service | passed | failed | n/a |\n"
               "|---|---|---|---|\n",
            title, target, x ? "NOT CONFORMANT" : "CONFORMANT", n, p, x, na);
    for (size_t i = 0; i < n;) {
        size_t j = i, gp = 0, gf = 0, gn = 0;
        for (; j < n && o[j].group == o[i].group; j++) {
            gp += o[j].r == CONF_PASS;
            gf += o[j].r == CONF_FAIL;
            gn += o[j].r == CONF_NA;
        }
        fprintf(f, "| %s | %zu | %zu | %zu |\n", o[i].group, gp, gf, gn);
        i = j;
    }
    fprintf(f, "\n## Cases\n\n| result | service | requirements | case | detail |\n"
               "|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "| %s | %s | %s | %s | %s |\n", word(o[i].r), o[i].group, o[i].k->ids,
                o[i].k->title, o[i].why);
    if (x) {
        fprintf(f, "\n## Failures\n");
        for (size_t i = 0; i < n; i++) {
            if (o[i].r != CONF_FAIL)
                continue;
            fprintf(f, "\n### %s %s\n\n%s\n\nExchange:\n\n```\n%s```\n", o[i].k->ids,
                    o[i].k->title, o[i].why, o[i].trace ? o[i].trace : "(none)\n");
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}
