/* driver_replay.c — runs a harness over files: every argument is a file or a directory
 * whose files (not sub-directories, not dot-files) are each one input. `make test` uses it
 * to replay the committed corpora and past crashers under ASan/UBSan; a violated invariant
 * aborts, so the test fails. Exits 1 if an argument cannot be read. Depends on
 * harness/common.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/common.h"

static unsigned long count;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f)
            fclose(f);
        return 1;
    }
    buf = malloc(n ? (size_t)n : 1); /* exact size, so ASan sees any over-read */
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    count++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;
    int bad = 0;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "no such input: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    d = opendir(path);
    if (d == NULL)
        return 1;
    while ((de = readdir(d)) != NULL) {
        char full[4096];
        if (de->d_name[0] == '.')
            continue;
        snprintf(full, sizeof full, "%s/%s", path, de->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            bad |= run_file(full);
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0;
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        bad |= run_path(argv[i]);
    printf("%s: %lu inputs replayed, no invariant violated\n", argv[0], count);
    return bad;
}
