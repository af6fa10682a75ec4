/* cases_ota_manifest.c — [OTA-010]: each check OtaBegin makes of a manifest failing in turn
 * (format, signature, scope, layout and chunk size, image size), then two failing at once to
 * show the first is the one reported; each refusal read back unchanged (ota_exchange.c).
 * Check 5, the security counter, needs a raised counter: cases_ota_install.c. */
#include "cases_ota.h"

/* The manifest o describes, refused with want and the number of the failing check. */
static enum conf_result begin_refused(struct conf *c, const struct conf_ota_mopt *o, tt_err want,
                                      uint32_t check, char *why, size_t whylen)
{
    struct conf_ota_run t;
    if (conf_ota_open(&t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_begin_refused(&t, t.a, o, want, check, "the refused OtaBegin");
    return conf_ota_close(&t);
}

/* One case per row: its name, the manifest's fault, the error and check it must draw. */
#define BEGIN_CASE(name, want, check, ...)                                                         \
    OTA_CASE(name)                                                                                 \
    {                                                                                              \
        static const struct conf_ota_mopt o = {__VA_ARGS__};                                       \
        return begin_refused(c, &o, want, check, why, whylen);                                     \
    }

BEGIN_CASE(ota_begin_format, TT_ERR_OTA_MANIFEST, 1, .format = 2)
BEGIN_CASE(ota_begin_other_key, TT_ERR_SIGNATURE, 2, .other_key = 1)
BEGIN_CASE(ota_begin_flipped_signature, TT_ERR_SIGNATURE, 2, .flip_signature = 1)
BEGIN_CASE(ota_begin_other_device, TT_ERR_OTA_MANIFEST, 3, .other_device = 1)
BEGIN_CASE(ota_begin_other_group, TT_ERR_OTA_MANIFEST, 3, .group = 1)
BEGIN_CASE(ota_begin_other_layout, TT_ERR_OTA_MANIFEST, 4, .other_layout = 1)
BEGIN_CASE(ota_begin_chunk_not_power, TT_ERR_OTA_MANIFEST, 4, .chunk = 96)
BEGIN_CASE(ota_begin_chunk_small, TT_ERR_OTA_MANIFEST, 4, .chunk = 32)
BEGIN_CASE(ota_begin_chunk_large, TT_ERR_OTA_MANIFEST, 4, .chunk = 2048)
BEGIN_CASE(ota_begin_size_zero, TT_ERR_OTA_SIZE, 6, .size_set = 1, .size = 0)
BEGIN_CASE(ota_begin_size_huge, TT_ERR_OTA_SIZE, 6, .size_set = 1, .size = 0xFFFFFFF0u)

/* The first failing check is the one reported: each manifest fails two checks. */
OTA_CASE(ota_begin_order)
{
    static const struct {
        struct conf_ota_mopt o;
        tt_err want;
        uint32_t check;
    } rows[] = {
        {{.format = 2, .other_key = 1}, TT_ERR_OTA_MANIFEST, 1},
        {{.other_key = 1, .other_device = 1}, TT_ERR_SIGNATURE, 2},
        {{.other_device = 1, .other_layout = 1}, TT_ERR_OTA_MANIFEST, 3},
        {{.chunk = 96, .size_set = 1, .size = 0}, TT_ERR_OTA_MANIFEST, 4},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum conf_result res =
            begin_refused(c, &rows[i].o, rows[i].want, rows[i].check, why, whylen);
        if (res != CONF_PASS)
            return res;
    }
    return CONF_PASS;
}
