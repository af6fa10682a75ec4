/* rsp_output.c — the well-formedness check of bytes sent to GDB (rsp_output.h). */
#include <string.h>

#include "common.h"
#include "rsp_output.h"

void rsp_output_reset(struct rsp_output_check *s)
{
    memset(s, 0, sizeof *s);
}

static int hexv(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void rsp_output_check(struct rsp_output_check *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (s->csum_left) {
            int v = hexv(c);
            FUZZ_CHECK(v >= 0, "SEC-15", "checksum digit not lower-case hex");
            s->want = (uint8_t)(s->want << 4 | v);
            if (--s->csum_left == 0)
                FUZZ_CHECK(s->want == s->sum, "SEC-15", "bad checksum sent to GDB");
        } else if (s->in_pkt) {
            FUZZ_CHECK(c != '$', "SEC-15", "unescaped '$' in a packet sent to GDB");
            if (c == '#') {
                s->in_pkt = 0;
                s->csum_left = 2;
                s->want = 0;
            } else {
                s->sum = (uint8_t)(s->sum + c);
            }
        } else {
            FUZZ_CHECK(c == '+' || c == '-' || c == '$', "SEC-15", "junk between packets");
            if (c == '$') {
                s->in_pkt = 1;
                s->sum = 0;
            }
        }
    }
}
