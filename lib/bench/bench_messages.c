/* bench_messages.c — prints the encoded size of each debug message: a typical instance (the
 * samples of spec/vectors/messages.txt, made by an independent encoder), the static maximum
 * nanopb computes, and what one such message costs on a byte-stream link once wrapped in the
 * reliability envelope, a record and a frame. A figure printer, not a test.
 * Run from the repository root (reads spec/vectors/messages.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/messages.h"
#include "tether/wire.h"

#define WRAP (TT_REL_HEADER_LEN + TT_RECORD_OVERHEAD + TT_FRAME_OVERHEAD)

static const struct {
    const char *sample; /* vector name */
    const char *what;
    size_t max;         /* nanopb's bound for the body, + request_id and tag overhead below */
} debug_msgs[] = {
    {"attach", "Attach", tether_v1_Attach_size},
    {"attach_reply", "AttachReply (halted, with StopEvent)", tether_v1_AttachReply_size},
    {"detach", "Detach", tether_v1_Detach_size},
    {"halt", "Halt", tether_v1_Halt_size},
    {"resume_continue", "Resume CONTINUE + 2 breakpoints", tether_v1_Resume_size},
    {"resume_step", "Resume STEP", tether_v1_Resume_size},
    {"resume_range_step", "Resume RANGE_STEP", tether_v1_Resume_size},
    {"set_breakpoint", "SetBreakpoint", tether_v1_SetBreakpoint_size},
    {"clear_breakpoint", "ClearBreakpoint", tether_v1_ClearBreakpoint_size},
    {"set_watchpoint", "SetWatchpoint", tether_v1_SetWatchpoint_size},
    {"clear_watchpoint", "ClearWatchpoint", tether_v1_ClearWatchpoint_size},
    {"read_memory", "ReadMemory (2 ranges)", tether_v1_ReadMemory_size},
    {"memory_data", "MemoryData (260 bytes)", tether_v1_MemoryData_size},
    {"write_memory", "WriteMemory (4 bytes)", tether_v1_WriteMemory_size},
    {"read_registers", "ReadRegisters (5 regs)", tether_v1_ReadRegisters_size},
    {"registers", "Registers (2 regs)", tether_v1_Registers_size},
    {"write_registers", "WriteRegisters (1 reg)", tether_v1_WriteRegisters_size},
    {"reset_app", "ResetApp", tether_v1_ResetApp_size},
    {"stop_event_breakpoint", "StopEvent breakpoint (64 B stack)", tether_v1_StopEvent_size},
    {"stop_event_fault", "StopEvent fault (32 B stack)", tether_v1_StopEvent_size},
    {"error", "Error", tether_v1_Error_size},
};

static int sample_size(const char *name, size_t *n)
{
    FILE *f = fopen("spec/vectors/messages.txt", "r");
    char line[8192], cur[64] = "";
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "name = %63s", cur) == 1)
            continue;
        if (strncmp(line, "hex = ", 6) == 0 && strcmp(cur, name) == 0) {
            *n = (strcspn(line + 6, "\r\n")) / 2;
            fclose(f);
            return 0;
        }
    }
    fclose(f);
    return -1;
}

int main(void)
{
    printf("# Encoded size of each debug message (bytes)\n");
    printf("# typical = sample in spec/vectors/messages.txt; max = static bound of the Message;\n");
    printf("# on link = typical + envelope %u + record %u + frame %u\n", TT_REL_HEADER_LEN,
           TT_RECORD_OVERHEAD, TT_FRAME_OVERHEAD);
    printf("%-40s %8s %8s %8s\n", "message", "typical", "max", "on link");
    for (size_t i = 0; i < sizeof debug_msgs / sizeof debug_msgs[0]; i++) {
        size_t n;
        if (sample_size(debug_msgs[i].sample, &n) != 0) {
            fprintf(stderr, "bench_messages: no sample %s (run from the repo root)\n",
                    debug_msgs[i].sample);
            return 1;
        }
        /* max: request_id (1 tag + 5 varint) + body tag (2) + length (2) + body bound */
        printf("%-40s %8zu %8zu %8zu\n", debug_msgs[i].what, n, debug_msgs[i].max + 10,
               n + WRAP);
    }
    printf("%-40s %8s %8u\n", "any Message (static bound)", "", (unsigned)tether_v1_Message_size);
    printf("%-40s %8s %8u\n", "limit TT_MESSAGE_MAX_LEN", "", TT_MESSAGE_MAX_LEN);
    return 0;
}
