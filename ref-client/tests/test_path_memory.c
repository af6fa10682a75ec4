/* test_path_memory.c — [REL-023] the window `tether ota push` remembers per device and link:
 * where the file goes (TETHER_STATE_DIR, XDG_STATE_HOME, HOME), a round trip through it, a
 * different device or link never sharing one, the handshake-time guard, and every file that
 * is not what this code wrote refused with a reason (the push then starts as a first push).
 * Runs in a fresh temporary directory. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../conn/keyfile.h"
#include "../conn/path_memory.h"

static char dir[] = "/tmp/test_path_memory.XXXXXX";
static const uint8_t id[TT_DEVICE_ID_LEN] = {0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d,
                                             0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d};
#define IDHEX "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d"
#define LINK "tcp:127.0.0.1:4000"

static void state_in(const char *sub)
{
    char d[256];
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    setenv("TETHER_STATE_DIR", d, 1);
}

static void put(const char *path, const char *text)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

START_TEST(remembers_and_creates_its_folder)
{
    char f[4096];
    struct stat st;
    struct tt_path p = {70, 612}, q;
    state_in("new/nested");
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_OK);
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_OK); /* nothing yet: a first push */
    ck_assert_uint_eq(q.window, 0);
    ck_assert(!tt_path_same(&q, 612));
    ck_assert_int_eq(tt_path_save(f, id, LINK, &p), TT_OK);
    ck_assert_int_eq(stat(getenv("TETHER_STATE_DIR"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_OK);
    ck_assert_uint_eq(q.window, 70);
    ck_assert_uint_eq(q.handshake_ms, 612);
    p.window = 12; /* replaced, not appended */
    ck_assert_int_eq(tt_path_save(f, id, LINK, &p), TT_OK);
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_OK);
    ck_assert_uint_eq(q.window, 12);
}
END_TEST

START_TEST(one_file_per_device_and_link)
{
    char a[4096], b[4096], c[4096];
    uint8_t other[TT_DEVICE_ID_LEN];
    struct tt_path p = {70, 600}, q;
    memcpy(other, id, sizeof other);
    other[15] ^= 1;
    state_in("keys");
    ck_assert_int_eq(tt_path_file(a, sizeof a, id, LINK), TT_OK);
    ck_assert_int_eq(tt_path_file(b, sizeof b, id, "mqtt://127.0.0.1:1883"), TT_OK);
    ck_assert_int_eq(tt_path_file(c, sizeof c, other, LINK), TT_OK);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_int_eq(tt_path_save(a, id, LINK, &p), TT_OK);
    /* a file renamed to another's name is refused: it names its device and link */
    ck_assert_int_eq(rename(a, b), 0);
    ck_assert_int_eq(tt_path_load(b, id, "mqtt://127.0.0.1:1883", &q), TT_ERR_FORMAT);
    ck_assert_uint_eq(q.window, 0);
    ck_assert_ptr_nonnull(strstr(tt_file_problem(), "another device or link"));
    ck_assert_int_eq(tt_path_load(b, other, LINK, &q), TT_ERR_FORMAT);
    ck_assert_int_eq(tt_path_load(b, id, LINK, &q), TT_OK); /* its own pair still reads */
    ck_assert_uint_eq(q.window, 70);
}
END_TEST

/* Half to twice the handshake time it was remembered with (give or take 100 ms); outside,
 * another path. */
START_TEST(only_for_a_path_as_long)
{
    struct tt_path p = {70, 600}, fast = {70, 3};
    ck_assert(tt_path_same(&p, 600));
    ck_assert(tt_path_same(&p, 250));
    ck_assert(!tt_path_same(&p, 249));
    ck_assert(tt_path_same(&p, 1300));
    ck_assert(!tt_path_same(&p, 1301));
    ck_assert(tt_path_same(&fast, 60)); /* a loopback link on a loaded host */
    ck_assert(!tt_path_same(&fast, 107));
    p.window = 0;
    ck_assert(!tt_path_same(&p, 600));
}
END_TEST

static const char *const bad[] = {
    "",
    "[]",
    "{\"format\":1,",
    "{\"format\":2,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":7,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":0,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":257,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":\"7\",\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":7.5,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":-7,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":7}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK "\",\"window\":7,\"window\":8,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"0e0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d\",\"link\":\"" LINK "\",\"window\":7,\"handshake_ms\":9}",
    "{\"format\":1,\"device_id\":\"" IDHEX "\",\"window\":7,\"handshake_ms\":9}",
};

START_TEST(refuses_what_it_did_not_write)
{
    char f[4096];
    struct tt_path q;
    state_in(".");
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_OK);
    put(f, "{\"format\":1,\"device_id\":\"" IDHEX "\",\"link\":\"" LINK
           "\",\"window\":7,\"handshake_ms\":9,\"later\":true}");
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_OK); /* unknown members: ignored */
    ck_assert_uint_eq(q.window, 7);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        put(f, bad[k]);
        q.window = 99;
        ck_assert_msg(tt_path_load(f, id, LINK, &q) == TT_ERR_FORMAT, "case %zu accepted", k);
        ck_assert_uint_eq(q.window, 0);
        ck_assert_msg(tt_file_problem()[0] != 0, "case %zu: no reason", k);
    }
    unlink(f);
    ck_assert_int_eq(mkfifo(f, 0600), 0); /* refused at once, never a hang */
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_ERR_FORMAT);
    unlink(f);
    ck_assert_int_eq(mkdir(f, 0700), 0);
    ck_assert_int_eq(tt_path_load(f, id, LINK, &q), TT_ERR_FORMAT);
    rmdir(f);
}
END_TEST

START_TEST(state_folder_from_the_environment)
{
    char f[4096], want[4096];
    unsetenv("TETHER_STATE_DIR");
    setenv("XDG_STATE_HOME", "/x", 1);
    setenv("HOME", "/h", 1);
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_OK);
    ck_assert_int_eq(strncmp(f, "/x/tether/path-", 15), 0);
    unsetenv("XDG_STATE_HOME");
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_OK);
    ck_assert_int_eq(strncmp(f, "/h/.local/state/tether/path-", 28), 0);
    ck_assert_uint_eq(strlen(f), 28 + 32 + 5);
    snprintf(want, sizeof want, "%s", f);
    setenv("TETHER_STATE_DIR", "/s", 1);
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_OK);
    ck_assert_str_eq(f + 3, want + 23); /* the same name in another folder */
    unsetenv("TETHER_STATE_DIR");
    unsetenv("HOME");
    ck_assert_int_eq(tt_path_file(f, sizeof f, id, LINK), TT_ERR_ARG);
}
END_TEST

int main(void)
{
    if (!mkdtemp(dir))
        return EXIT_FAILURE;
    Suite *s = suite_create("path_memory");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, remembers_and_creates_its_folder);
    tcase_add_test(tc, one_file_per_device_and_link);
    tcase_add_test(tc, only_for_a_path_as_long);
    tcase_add_test(tc, refuses_what_it_did_not_write);
    tcase_add_test(tc, state_folder_from_the_environment);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        failed++;
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
