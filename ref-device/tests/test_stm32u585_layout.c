/* test_stm32u585_layout.c — the STM32U585 port's flash/SRAM layout arithmetic and its
 * option-byte parsing and judgement, on the host. Values of the option registers follow
 * RM0456's FLASH_OPTR / FLASH_SECWMxR1 / FLASH_SECBOOTADD0R layouts. Depends on Check,
 * layout.h and optbytes.h. */
#include <check.h>

#include "../port/stm32u585/layout.h"
#include "../port/stm32u585/optbytes.h"

START_TEST(locate_both_aliases_banks_and_pages)
{
    struct u585_flash_loc l;
    ck_assert_int_eq(u585_flash_locate(0x0C000000u, &l), TT_OK);
    ck_assert_uint_eq(l.bank, 0);
    ck_assert_uint_eq(l.page, 0);
    ck_assert_int_eq(l.secure_alias, 1);
    ck_assert_int_eq(u585_flash_locate(0x08028004u, &l), TT_OK);
    ck_assert_uint_eq(l.bank, 0);
    ck_assert_uint_eq(l.page, 20);
    ck_assert_uint_eq(l.offset, 4);
    ck_assert_int_eq(l.secure_alias, 0);
    ck_assert_int_eq(u585_flash_locate(0x0C1FFFFFu, &l), TT_OK);
    ck_assert_uint_eq(l.bank, 1);
    ck_assert_uint_eq(l.page, 127);
    ck_assert_uint_eq(l.offset, 0x1FFF);
    ck_assert_int_eq(u585_flash_locate(0x0C200000u, &l), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_locate(0x08200000u, &l), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_locate(0x07FFFFFFu, &l), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_locate(0x20000000u, &l), TT_ERR_ARG);
    ck_assert_uint_eq(u585_flash_page_addr(1, 3), 0x0C106000u);
    ck_assert_uint_eq(u585_flash_to_secure(0x08028000u), 0x0C028000u);
    ck_assert_uint_eq(u585_flash_to_secure(0x20000000u), 0x20000000u);
}
END_TEST

START_TEST(program_requests_are_quadword_aligned_and_in_one_bank)
{
    ck_assert_int_eq(u585_flash_check_program(0x08028000u, 16), TT_OK);
    ck_assert_int_eq(u585_flash_check_program(0x08028010u, 8192), TT_OK);
    ck_assert_int_eq(u585_flash_check_program(0x08028008u, 16), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_check_program(0x08028000u, 24), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_check_program(0x08028000u, 0), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_check_program(0x080FFFF0u, 32), TT_ERR_ARG); /* bank edge */
    ck_assert_int_eq(u585_flash_check_program(0x081FFFF0u, 16), TT_OK);
    ck_assert_int_eq(u585_flash_check_program(0x081FFFF0u, 32), TT_ERR_ARG); /* past end */
    ck_assert_int_eq(u585_flash_check_program(0xFFFFFFF0u, 0x20), TT_ERR_ARG);
}
END_TEST

START_TEST(page_ranges_and_secbb_bits)
{
    unsigned a, b;
    ck_assert_int_eq(u585_flash_pages(0x08028000u, 1, &a, &b), TT_OK);
    ck_assert_uint_eq(a, 20);
    ck_assert_uint_eq(b, 20);
    ck_assert_int_eq(u585_flash_pages(0x08029FFFu, 2, &a, &b), TT_OK);
    ck_assert_uint_eq(a, 20);
    ck_assert_uint_eq(b, 21);
    ck_assert_int_eq(u585_flash_pages(0x0C0FF000u, 0x2000, &a, &b), TT_OK);
    ck_assert_uint_eq(a, 127);
    ck_assert_uint_eq(b, 128);
    ck_assert_int_eq(u585_flash_pages(0x0C1FF000u, 0x2000, &a, &b), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_pages(0x0C000000u, 0, &a, &b), TT_ERR_ARG);
    uint32_t off, bit;
    u585_secbb_bit(0, 20, &off, &bit);
    ck_assert_uint_eq(off, 0x80);
    ck_assert_uint_eq(bit, 1u << 20);
    u585_secbb_bit(0, 127, &off, &bit);
    ck_assert_uint_eq(off, 0x8C);
    ck_assert_uint_eq(bit, 1u << 31);
    u585_secbb_bit(1, 33, &off, &bit);
    ck_assert_uint_eq(off, 0xA4);
    ck_assert_uint_eq(bit, 1u << 1);
}
END_TEST

START_TEST(app_regions_without_overflow)
{
    ck_assert(u585_app_flash_contains(U585_APP_BASE, U585_APP_SIZE));
    ck_assert(!u585_app_flash_contains(U585_APP_BASE - 2, 4));
    ck_assert(!u585_app_flash_contains(U585_APP_BASE + U585_APP_SIZE - 2, 4));
    ck_assert(!u585_app_flash_contains(U585_APP_BASE, 0));
    ck_assert(!u585_app_flash_contains(0xFFFFFFFEu, 4));
    ck_assert(!u585_app_flash_contains(U585_APP_BASE + 4, 0xFFFFFFFFu));
    ck_assert(u585_app_ram_contains(0x200AFFFCu, 4));
    ck_assert(!u585_app_ram_contains(0x200AFFFCu, 8));
    ck_assert(!u585_app_ram_contains(0x300B0000u, 4)); /* the supervisor's RAM */
    /* the layout adds up: supervisor, NSC, provisioning, records, app = bank 1 */
    ck_assert_uint_eq(U585_SUP_BASE + U585_SUP_SIZE, U585_NSC_BASE);
    ck_assert_uint_eq(U585_NSC_BASE + U585_NSC_SIZE, U585_PROV_BASE);
    ck_assert_uint_eq(U585_PROV_BASE + U585_PAGE_SIZE, U585_STORE_BASE);
    ck_assert_uint_eq(U585_STORE_BASE + U585_STORE_PAGES * U585_PAGE_SIZE,
                      u585_flash_to_secure(U585_APP_BASE));
    ck_assert_uint_eq((U585_APP_BASE - U585_FLASH_NS_BASE) / U585_PAGE_SIZE, U585_APP_FIRST_PAGE);
    ck_assert_uint_eq(U585_APP_BASE + U585_APP_SIZE, U585_FLASH_NS_BASE + U585_BANK_SIZE);
    ck_assert_uint_eq(U585_APP_RAM_BASE + U585_APP_RAM_SIZE + 0x10000000u, U585_SUP_RAM_BASE);
}
END_TEST

START_TEST(mpcbb_words_mark_only_the_supervisor_ram)
{
    /* SRAM3: 512 KB = 1024 blocks = 32 words; the top 64 KB (128 blocks = words 28..31). */
    uint32_t sec = U585_SUP_RAM_BASE - 0x10000000u;
    for (unsigned w = 0; w < 32; w++) {
        uint32_t v = u585_mpcbb_word(w, U585_SRAM3_BASE, U585_SRAM3_SIZE, sec, U585_SUP_RAM_SIZE);
        ck_assert_uint_eq(v, w >= 28 ? 0xFFFFFFFFu : 0u);
    }
    /* a partial word: secure from block 40 to 47 */
    uint32_t v = u585_mpcbb_word(1, 0x20000000u, 0x30000u, 0x20000000u + 40 * 512, 8 * 512);
    ck_assert_uint_eq(v, 0xFFu << 8);
    /* past the end of a small SRAM: nothing */
    ck_assert_uint_eq(u585_mpcbb_word(5, 0x20030000u, 0x10000u, 0x20030000u, 0x10000u), 0);
}
END_TEST

/* ---- option bytes ---- */
static struct u585_optregs good_regs(void)
{
    struct u585_optregs r = {
        .optr = 0x80000000u | 0x00200000u | 0xAAu, /* TZEN, DUALBANK, RDP 0 */
        .secwm1r1 = u585_secwm_r1(0, U585_SECWM1_PEND),
        .secwm1r2 = 0,
        .secwm2r1 = u585_secwm_r1(0, 127),
        .secwm2r2 = 0,
        .secbootadd0r = u585_bootadd_r(0x0C000000u),
        .nsbootadd0r = u585_bootadd_r(0x08028000u),
        .nsbootadd1r = u585_bootadd_r(0x0BF90000u),
    };
    return r;
}

START_TEST(options_of_the_documented_setup_pass)
{
    struct u585_optregs r = good_regs();
    struct u585_options o;
    u585_options_parse(&r, &o);
    ck_assert_int_eq(o.tzen, 1);
    ck_assert_int_eq(o.dualbank, 1);
    ck_assert_int_eq(o.wm[0].valid, 1);
    ck_assert_uint_eq(o.wm[0].end, 19);
    ck_assert_uint_eq(o.wm[1].end, 127);
    ck_assert_uint_eq(o.secboot0, 0x0C000000u);
    ck_assert_uint_eq(o.nsboot0, 0x08028000u);
    ck_assert_uint_eq(r.secwm1r1, 0x00130000u); /* the value the README gives */
    ck_assert_uint_eq(r.secwm2r1, 0x007F0000u);
    ck_assert_uint_eq(u585_options_check(&o), U585_OPT_DEBUG_OPEN);
    ck_assert_uint_eq(u585_options_check(&o) & U585_OPT_FATAL, 0);
    r.optr = (r.optr & ~0xFFu) | 0xBBu; /* RDP level 1 */
    u585_options_parse(&r, &o);
    ck_assert_int_eq(o.rdp, U585_RDP1);
    ck_assert_uint_eq(u585_options_check(&o), 0);
}
END_TEST

START_TEST(each_wrong_option_is_named)
{
    static const struct {
        int field;
        uint32_t value;
        uint32_t want;
    } cases[] = {
        {0, 0x00200000u | 0xAAu, U585_OPT_NO_TZEN},
        {0, 0x80000000u | 0xAAu, U585_OPT_SINGLE_BANK},
        {0, 0x80300000u | 0xAAu, U585_OPT_SWAPPED},
        {1, 0x00120000u, U585_OPT_WM1_SHORT},             /* pages 0..18 */
        {1, 0x00130001u, U585_OPT_WM1_SHORT},             /* pages 1..19 */
        {1, 0x0000007Fu, U585_OPT_WM1_SHORT},             /* PSTRT > PEND: none */
        {1, 0x00140000u, U585_OPT_WM1_OVER},              /* page 20 is the app's */
        {2, 0x007E0000u, U585_OPT_WM2},
        {2, 0x0000007Fu, U585_OPT_WM2},
        {3, 0x08000000u, U585_OPT_SECBOOT},
        {3, 0x0C000080u, U585_OPT_SECBOOT},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct u585_optregs r = good_regs();
        uint32_t *f[] = {&r.optr, &r.secwm1r1, &r.secwm2r1, &r.secbootadd0r};
        *f[cases[i].field] = cases[i].value;
        struct u585_options o;
        u585_options_parse(&r, &o);
        uint32_t p = u585_options_check(&o) & ~U585_OPT_DEBUG_OPEN;
        ck_assert_msg(p == cases[i].want, "case %u: %x != %x", i, p, cases[i].want);
        ck_assert(p & U585_OPT_FATAL);
    }
}
END_TEST

START_TEST(rdp_levels_and_hdp)
{
    static const struct {
        uint32_t byte;
        enum u585_rdp want;
    } cases[] = {{0xAA, U585_RDP0}, {0x55, U585_RDP05}, {0xCC, U585_RDP2}, {0x00, U585_RDP1},
                 {0xFF, U585_RDP1}};
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct u585_optregs r = good_regs();
        r.optr = (r.optr & ~0xFFu) | cases[i].byte;
        struct u585_options o;
        u585_options_parse(&r, &o);
        ck_assert_int_eq(o.rdp, cases[i].want);
    }
    struct u585_optregs r = good_regs();
    r.secwm1r2 = 0x80000000u | (13u << 16); /* hide pages up to 13 (provisioning) */
    struct u585_options o;
    u585_options_parse(&r, &o);
    ck_assert_int_eq(o.wm[0].hdp_enabled, 1);
    ck_assert_uint_eq(o.wm[0].hdp_end, 13);
    r.secbootadd0r = 0x0C000001u; /* BOOT_LOCK */
    u585_options_parse(&r, &o);
    ck_assert_int_eq(o.boot_lock, 1);
    ck_assert_uint_eq(o.secboot0, 0x0C000000u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, locate_both_aliases_banks_and_pages);
    tcase_add_test(tc, program_requests_are_quadword_aligned_and_in_one_bank);
    tcase_add_test(tc, page_ranges_and_secbb_bits);
    tcase_add_test(tc, app_regions_without_overflow);
    tcase_add_test(tc, mpcbb_words_mark_only_the_supervisor_ram);
    suite_add_tcase(s, tc);
    TCase *ob = tcase_create("option bytes");
    tcase_add_test(ob, options_of_the_documented_setup_pass);
    tcase_add_test(ob, each_wrong_option_is_named);
    tcase_add_test(ob, rdp_levels_and_hdp);
    suite_add_tcase(s, ob);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
