/* startup_app.c — the demo app's vector table and reset: copy .data, clear .bss, run main.
 * The supervisor starts the app from this table (initial SP, reset address) and handles
 * all of its faults, so only the first two entries matter, and entry 8 says how large the
 * image is. Depends on app.ld's symbols. */
#include <stdint.h>

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
extern uint8_t _app_image_size[]; /* an absolute symbol: its address is the size */
int main(void);
void app_reset(void);

/* The app's version (major<<16 | minor<<8 | patch) in entry 7, another reserved vector;
 * 0: none given. The second demo build (ref-device/app/v2.mk) sets it, the default app
 * keeps entry 7 at 0, byte for byte the image it always was. */
#ifndef DEMO_APP_VERSION
#define DEMO_APP_VERSION 0u
#endif

/* Entry 8 (a reserved vector) holds the image size, so the supervisor can measure exactly
 * the bytes of the image (TT_APP_IMAGE_SIZE_OFFSET in the an505 port). */
__attribute__((section(".vectors"), used)) static void (*const app_vectors[16])(void) = {
    [0] = (void (*)(void))_estack,
    [1] = app_reset,
    [7] = (void (*)(void))DEMO_APP_VERSION,
    [8] = (void (*)(void))_app_image_size,
};

void app_reset(void)
{
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;)
        *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;)
        *d++ = 0;
    (void)main();
    for (;;) {
    }
}
