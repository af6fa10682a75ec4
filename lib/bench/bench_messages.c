/* bench_messages.c — prints the encoded size of each debug message: a typical instance (the
 * samples of spec/vectors/messages.txt, made by an independent encoder), the exact maximum
 * (the Message with every field of that body at its schema limit and every integer, enums
 * included, all ones: the largest a decoder accepts; msgfill.h), and
 * what each costs on a byte-stream link once wrapped in the reliability envelope, a record
 * and a frame. A figure printer, not a test (test_messages asserts the limits).
 * Run from the repository root (reads spec/vectors/messages.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/messages.h"
#include "tether/wire.h"
#include "../tests/msgfill.h"

#define WRAP (TT_REL_HEADER_LEN + TT_RECORD_OVERHEAD + TT_FRAME_OVERHEAD)

static const struct {
    const char *sample; /* vector name */
    const char *what;
    pb_size_t tag;      /* Message.body member */
} debug_msgs[] = {
    {"attach", "Attach", tether_v1_Message_attach_tag},
    {"attach_reply", "AttachReply (halted, with StopEvent)", tether_v1_Message_attach_reply_tag},
    {"detach", "Detach", tether_v1_Message_detach_tag},
    {"halt", "Halt", tether_v1_Message_halt_tag},
    {"resume_continue", "Resume CONTINUE + 2 breakpoints", tether_v1_Message_resume_tag},
    {"resume_step", "Resume STEP", tether_v1_Message_resume_tag},
    {"resume_range_step", "Resume RANGE_STEP", tether_v1_Message_resume_tag},
    {"set_breakpoint", "SetBreakpoint", tether_v1_Message_set_breakpoint_tag},
    {"clear_breakpoint", "ClearBreakpoint", tether_v1_Message_clear_breakpoint_tag},
    {"set_watchpoint", "SetWatchpoint", tether_v1_Message_set_watchpoint_tag},
    {"clear_watchpoint", "ClearWatchpoint", tether_v1_Message_clear_watchpoint_tag},
    {"read_memory", "ReadMemory (2 ranges)", tether_v1_Message_read_memory_tag},
    {"memory_data", "MemoryData (260 bytes)", tether_v1_Message_memory_data_tag},
    {"write_memory", "WriteMemory (4 bytes)", tether_v1_Message_write_memory_tag},
    {"read_registers", "ReadRegisters (5 regs)", tether_v1_Message_read_registers_tag},
    {"registers", "Registers (2 regs)", tether_v1_Message_registers_tag},
    {"write_registers", "WriteRegisters (1 reg)", tether_v1_Message_write_registers_tag},
    {"reset_app", "ResetApp", tether_v1_Message_reset_app_tag},
    {"stop_event_breakpoint", "StopEvent breakpoint (64 B stack)", tether_v1_Message_stop_event_tag},
    {"stop_event_fault", "StopEvent fault (32 B stack)", tether_v1_Message_stop_event_tag},
    {"ack", "Ack (reply to resume, set/clear, write)", tether_v1_Message_ack_tag},
    {"error", "Error", tether_v1_Message_error_tag},
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

/* The encoded size of the largest Message with this body (request_id at its maximum too). */
static size_t max_size(pb_size_t tag)
{
    static tether_v1_Message m;
    static uint8_t out[TT_MESSAGE_MAX_LEN];
    size_t n;
    memset(&m, 0, sizeof m);
    m.which_body = tag;
    if (!msgfill_max(tether_v1_Message_fields, &m) ||
        tt_msg_encode(&m, out, sizeof out, &n) != TT_OK) {
        fprintf(stderr, "bench_messages: cannot encode the maximal body %u\n", (unsigned)tag);
        exit(1);
    }
    return n;
}

int main(void)
{
    printf("# Encoded size of each debug message (bytes)\n");
    printf("# typical = sample in spec/vectors/messages.txt; max = every field at its limit;\n");
    printf("# on link = + envelope %u + record %u + frame %u\n", TT_REL_HEADER_LEN,
           TT_RECORD_OVERHEAD, TT_FRAME_OVERHEAD);
    printf("%-40s %8s %8s %8s %8s\n", "message", "typical", "max", "link typ", "link max");
    for (size_t i = 0; i < sizeof debug_msgs / sizeof debug_msgs[0]; i++) {
        size_t n;
        if (sample_size(debug_msgs[i].sample, &n) != 0) {
            fprintf(stderr, "bench_messages: no sample %s (run from the repo root)\n",
                    debug_msgs[i].sample);
            return 1;
        }
        printf("%-40s %8zu %8zu %8zu %8zu\n", debug_msgs[i].what, n, max_size(debug_msgs[i].tag),
               n + WRAP, max_size(debug_msgs[i].tag) + WRAP);
    }
    printf("%-40s %8s %8zu\n", "largest Message (LogEntries, at limits)", "",
           max_size(tether_v1_Message_log_entries_tag));
    printf("%-40s %8s %8u\n", "any Message (nanopb static bound)", "",
           (unsigned)tether_v1_Message_size);
    printf("%-40s %8s %8u\n", "limit TT_MESSAGE_MAX_LEN", "", TT_MESSAGE_MAX_LEN);
    return 0;
}
