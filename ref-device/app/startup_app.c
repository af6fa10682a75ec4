/* startup_app.c — the demo app's vector table and reset: copy .data, clear .bss, run main.
 * The supervisor starts the app from this table (initial SP, reset address) and handles
 * all of its faults, so only the first two entries matter. Depends on app.ld's symbols. */
#include <stdint.h>

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);
void app_reset(void);

__attribute__((section(".vectors"), used)) static void (*const app_vectors[16])(void) = {
    (void (*)(void))_estack,
    app_reset,
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
