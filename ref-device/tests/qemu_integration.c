/* qemu_integration.c — the client half of issue 3's integration test: over the real link
 * (QEMU mps2-an505's UART0 on a local TCP port) and a real Noise session (lib's client side,
 * libsodium backend, through ref-client's session driver) it debugs the demo app running
 * under the real supervisor firmware. qemu_integration.sh boots QEMU and passes the device
 * record, the owner key and the app's addresses (from the app ELF) in the environment:
 *   TT_DEVICE (device.json), TT_OWNER (owner.pem), TT_LEAF, TT_LEAF_SIZE, TT_LINE_START,
 *   TT_LINE_END (one source line of demo_leaf), TT_COUNTER, TT_TRIGGER, TT_MESSAGE,
 *   TT_FAULT_FN (demo_fault) (hex).
 * Prints one line per check; exit 0 only if all passed. Host only. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/keyfile.h"
#include "../../ref-client/conn/transport.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "tether/p256.h"

#define TIMEOUT_MS 10000

static int checks, failures;
static struct tt_client cl;
static tether_v1_Message req, rep, ev;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    checks++;
    failures += !ok;
    printf("%s ", ok ? "ok  " : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static uint32_t env_hex(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL) {
        fprintf(stderr, "missing %s\n", name);
        exit(2);
    }
    return (uint32_t)strtoul(v, NULL, 16);
}

static tether_v1_Message *msg(pb_size_t tag)
{
    memset(&req, 0, sizeof req);
    req.which_body = tag;
    return &req;
}

/* One request: TT_OK, or the device's Error code, or the transport's error. */
static tt_err call(void)
{
    tt_err e = tt_client_call(&cl, &req, &rep, TIMEOUT_MS);
    if (e != TT_OK)
        return e;
    return rep.which_body == tether_v1_Message_error_tag ? (tt_err)rep.body.error.code : TT_OK;
}

static tt_err call_tag(pb_size_t tag)
{
    msg(tag);
    return call();
}

static int stop_event(tether_v1_StopEvent *out)
{
    if (tt_client_next_event(&cl, &ev, TIMEOUT_MS) != TT_OK ||
        ev.which_body != tether_v1_Message_stop_event_tag)
        return 0;
    *out = ev.body.stop_event;
    return 1;
}

static tt_err resume(tether_v1_ResumeAction a, uint32_t start, uint32_t end, const uint32_t *bps,
                     unsigned n, int replace)
{
    tether_v1_Resume *r = &msg(tether_v1_Message_resume_tag)->body.resume;
    r->action = a;
    r->range_start = start;
    r->range_end = end;
    r->replace_breakpoints = replace;
    for (unsigned k = 0; k < n; k++)
        r->breakpoints[k] = (tether_v1_Breakpoint){bps[k], tether_v1_BreakpointKind_SOFTWARE, 2};
    r->breakpoints_count = (pb_size_t)n;
    return call();
}

static tt_err read_mem(uint32_t addr, uint32_t len)
{
    tether_v1_ReadMemory *r = &msg(tether_v1_Message_read_memory_tag)->body.read_memory;
    r->ranges[0] = (tether_v1_MemRange){addr, len};
    r->ranges_count = 1;
    return call();
}

static tt_err write_mem(uint32_t addr, const void *data, uint32_t len)
{
    tether_v1_WriteMemory *w = &msg(tether_v1_Message_write_memory_tag)->body.write_memory;
    w->ranges[0] = (tether_v1_MemRange){addr, len};
    w->ranges_count = 1;
    memcpy(w->data.bytes, data, len);
    w->data.size = (pb_size_t)len;
    return call();
}

static uint32_t read_u32(uint32_t addr)
{
    if (read_mem(addr, 4) != TT_OK || rep.body.memory_data.data.size != 4)
        return 0xFFFFFFFFu;
    return tt_load_le32(rep.body.memory_data.data.bytes);
}

static tt_err connect_device(const struct tt_device_record *rec, const uint8_t owner[32],
                             struct tt_tcp *tcp, uint32_t perms)
{
    uint8_t sk[32], pk[32];
    tether_v1_GrantBody b = tether_v1_GrantBody_init_zero;
    tether_v1_ClientHello h = tether_v1_ClientHello_init_zero;
    struct timespec ts;
    if (tt_crypto_sodium.random(NULL, sk, 32) != TT_OK || tt_crypto_sodium.x25519_public(pk, sk))
        return TT_ERR_CRYPTO;
    b.format = 1;
    memcpy(b.client_key, pk, 32);
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memcpy(b.scope.device_id, rec->device_id, 16);
    b.permissions = perms;
    b.not_before = 1;
    b.not_after = 4000000000u;
    b.serial = 1;
    tt_err e = tt_grant_sign(&b, owner, &h.grant);
    if (e != TT_OK)
        return e;
    h.has_grant = true;
    h.version_min = h.version_max = 1;
    clock_gettime(CLOCK_REALTIME, &ts);
    h.timestamp = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    strcpy(h.client_name, "qemu-integration");
    /* QEMU may still be starting: dial until it listens. */
    for (int k = 0; k < 100; k++) {
        e = tt_tcp_open(tcp, rec->link, 1000);
        if (e == TT_OK)
            break;
        struct timespec d = {0, 100 * 1000000L};
        nanosleep(&d, NULL);
    }
    if (e != TT_OK)
        return e;
    return tt_client_connect(&cl, &tcp->t, &tt_crypto_sodium, sk, rec->static_public, &h,
                             TIMEOUT_MS);
}

int main(void)
{
    static struct tt_device_record rec;
    static struct tt_tcp tcp;
    static char pem[4096];
    uint8_t owner[32];
    size_t n;
    if (tt_device_record_load(getenv("TT_DEVICE"), &rec) != TT_OK ||
        tt_file_read(getenv("TT_OWNER"), (uint8_t *)pem, sizeof pem - 1, &n) != TT_OK) {
        fprintf(stderr, "cannot read TT_DEVICE / TT_OWNER\n");
        return 2;
    }
    pem[n] = '\0';
    /* [ATT-040] the inventory record's attestation key (the record parser checks it) */
    if (!rec.has_attest_public) {
        fprintf(stderr, "device record has no attest_public\n");
        return 2;
    }
    const uint8_t *attest_pub = rec.attest_public;
    if (tt_p256_priv_from_pem(owner, pem) != TT_OK) {
        fprintf(stderr, "owner key unreadable\n");
        return 2;
    }
    const uint32_t leaf = env_hex("TT_LEAF"), leaf_size = env_hex("TT_LEAF_SIZE");
    const uint32_t line_start = env_hex("TT_LINE_START"), line_end = env_hex("TT_LINE_END");
    const uint32_t counter = env_hex("TT_COUNTER"), trigger = env_hex("TT_TRIGGER");
    const uint32_t message = env_hex("TT_MESSAGE");
    tether_v1_StopEvent st;

    tt_err e = connect_device(&rec, owner, &tcp, TT_PERM_ALL);
    check(e == TT_OK, "[HS-012] Noise IK session with the an505 supervisor (%s, %u us)",
          tt_err_name(e), (unsigned)cl.handshake_us);
    if (e != TT_OK)
        return 1;
    check(memcmp(cl.reply.reply.hello.device_id, rec.device_id, 16) == 0 &&
              cl.reply.reply.hello.granted_permissions == TT_PERM_ALL,
          "[HS-015] DeviceHello: device id and permissions");
    msg(tether_v1_Message_ping_tag)->body.ping.nonce = 77;
    check(call() == TT_OK && rep.body.pong.nonce == 77, "[CTL-001] ping");

    msg(tether_v1_Message_attach_tag);
    e = call();
    check(e == TT_OK && rep.which_body == tether_v1_Message_attach_reply_tag,
          "[DBG-002] attach (app halted: %d)", rep.body.attach_reply.halted);

    /* Halt, read registers. */
    msg(tether_v1_Message_halt_tag);
    e = call();
    check(e == TT_OK && rep.which_body == tether_v1_Message_stop_event_tag &&
              rep.body.stop_event.reason == tether_v1_StopReason_HALT_REQUEST,
          "[DBG-020] halt: StopEvent HALT_REQUEST, pc %08x", rep.body.stop_event.regs.pc);
    uint32_t halt_pc = rep.body.stop_event.regs.pc;
    msg(tether_v1_Message_read_registers_tag);
    e = call();
    check(e == TT_OK && rep.body.registers.regs_count == 23 &&
              rep.body.registers.regs[15].value == halt_pc &&
              rep.body.registers.regs[13].value >= 0x28200000u &&
              rep.body.registers.regs[13].value < 0x28400000u,
          "[DBG-043] read all 23 registers: pc %08x sp %08x", rep.body.registers.regs[15].value,
          rep.body.registers.regs[13].value);

    /* Breakpoint at demo_leaf, continue, the stop with its pc and stack window. */
    uint32_t bp = leaf & ~1u;
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, &bp, 1, 1);
    check(e == TT_OK, "[DBG-021] resume CONTINUE with breakpoint at demo_leaf %08x", bp);
    int got = stop_event(&st);
    check(got && st.reason == tether_v1_StopReason_BREAKPOINT && st.regs.pc == bp,
          "[DBG-050] StopEvent BREAKPOINT at demo_leaf (pc %08x, stop %u)", st.regs.pc,
          st.stop_count);
    uint32_t count_now = read_u32(counter);
    check(st.regs.r0 == count_now, "[DBG-050] r0 = demo_leaf's argument = demo_counter (%u)",
          count_now);
    check(st.stack_addr == (st.regs.sp & ~63u) && st.stack.size == TT_STACK_WINDOW_MAX,
          "[DBG-050] stack window: %u bytes from sp's 64-byte line %08x (sp %08x)",
          st.stack.size, st.stack_addr, st.regs.sp);
    tether_v1_StopEvent at_bp = st;
    e = read_mem(at_bp.stack_addr, at_bp.stack.size);
    check(e == TT_OK && memcmp(rep.body.memory_data.data.bytes, at_bp.stack.bytes,
                               at_bp.stack.size) == 0,
          "[DBG-050] stack window equals ReadMemory of the same range");
    e = read_mem(bp, 2);
    check(e == TT_OK && rep.body.memory_data.data.bytes[1] != 0xBE,
          "[DBG-033] breakpoint invisible to reads (%02x%02x)",
          rep.body.memory_data.data.bytes[1], rep.body.memory_data.data.bytes[0]);

    /* Single step. */
    e = resume(tether_v1_ResumeAction_STEP, 0, 0, NULL, 0, 0);
    got = e == TT_OK && stop_event(&st);
    check(got && st.reason == tether_v1_StopReason_STEP_DONE && st.regs.pc > bp &&
              st.regs.pc < bp + leaf_size,
          "[DBG-022] STEP: StopEvent STEP_DONE, pc %08x -> %08x", bp, st.regs.pc);

    /* Range step over one source line of demo_leaf (doubled = v * 2u). */
    uint32_t lbp = line_start;
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, &lbp, 1, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.regs.pc == line_start, "breakpoint at the line's first address %08x",
          line_start);
    uint32_t v = st.regs.r0;
    e = resume(tether_v1_ResumeAction_RANGE_STEP, line_start, line_end, NULL, 0, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.reason == tether_v1_StopReason_RANGE_STEP_DONE && st.regs.pc == line_end,
          "[DBG-022] RANGE_STEP [%08x, %08x): stops at %08x", line_start, line_end, st.regs.pc);
    (void)v;

    /* Memory: read the app's string, write its counter and see the app continue from it. */
    e = read_mem(message, 18);
    check(e == TT_OK && memcmp(rep.body.memory_data.data.bytes, "hello from the app", 18) == 0,
          "[DBG-040] read demo_message: \"%.18s\"", (const char *)rep.body.memory_data.data.bytes);
    const uint8_t big[4] = {0x00, 0x00, 0x10, 0x00}; /* 0x00100000 little-endian */
    e = write_mem(counter, big, 4);
    check(e == TT_OK && read_u32(counter) == 0x00100000u, "[DBG-042] write demo_counter");
    /* The next call of demo_leaf shows the app went on from the written value: the loop
     * increments the counter and passes it. A stop, not a read after some time: a read right
     * after a resume may come before the app has run at all (a loaded host, 2026-12-06). */
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, &bp, 1, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.reason == tether_v1_StopReason_BREAKPOINT && st.regs.r0 == 0x00100001u,
          "[DBG-040] the app runs on from the written value (demo_leaf(%08x))", st.regs.r0);
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, NULL, 0, 1); /* no breakpoints */
    check(e == TT_OK, "resume with an empty breakpoint set");
    uint32_t later = read_u32(counter); /* reads are allowed while running */
    check(later >= 0x00100001u && later < 0x80000000u,
          "[DBG-040] read while running (counter %08x)", later);

    /* Secure memory is refused. */
    const uint32_t secure[] = {0x38000000u, 0x381FF000u, 0x10000000u, 0x50200000u,
                               0xE000ED00u};
    for (unsigned k = 0; k < sizeof secure / sizeof secure[0]; k++)
        check(read_mem(secure[k], 4) == TT_ERR_DBG_ACCESS, "[DBG-010] read %08x refused",
              secure[k]);
    msg(tether_v1_Message_halt_tag);
    check(call() == TT_OK, "halt again");
    check(write_mem(0x381FF000u, "xxxx", 4) == TT_ERR_DBG_ACCESS,
          "[DBG-010] write to the provisioning area refused");

    /* The log: the app logs "tick" when demo_counter reaches a multiple of 100 000, which
     * depends on how far it ran. Make one happen instead of waiting for it: at demo_leaf the
     * loop has incremented the counter and tests it after the call, so setting it to 300 000
     * there logs "tick" before the next demo_fault, where the app stops again. */
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, &bp, 1, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.regs.pc == bp, "breakpoint at demo_leaf again");
    const uint8_t tick_at[4] = {0xE0, 0x93, 0x04, 0x00}; /* 300 000 little-endian */
    check(write_mem(counter, tick_at, 4) == TT_OK, "demo_counter = 300000 (a tick is due)");
    uint32_t fault_fn = env_hex("TT_FAULT_FN") & ~1u;
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, &fault_fn, 1, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.regs.pc == fault_fn, "breakpoint at demo_fault: the tick was logged");
    /* From entry 1: whatever the ring no longer holds is counted in dropped ([LOG-013]). The
     * app is halted, so "tick" is the newest entry. */
    msg(tether_v1_Message_log_subscribe_tag)->body.log_subscribe.from_seq = 1;
    e = call();
    got = e == TT_OK && tt_client_next_event(&cl, &ev, TIMEOUT_MS) == TT_OK &&
          ev.which_body == tether_v1_Message_log_entries_tag;
    const tether_v1_LogEntry *le = ev.body.log_entries.entries;
    check(got && le[0].seq - ev.body.log_entries.dropped == 1 &&
              strcmp(le[0].text, le[0].seq == 1 ? "app started" : "tick") == 0 &&
              strcmp(le[ev.body.log_entries.entries_count - 1].text, "tick") == 0,
          "[LOG-011] [LOG-013] log entries from %u: \"%s\" (%u entries, %u dropped)",
          got ? ev.body.log_entries.entries[0].seq : 0,
          got ? ev.body.log_entries.entries[0].text : "",
          got ? ev.body.log_entries.entries_count : 0, got ? ev.body.log_entries.dropped : 0);
    msg(tether_v1_Message_log_unsubscribe_tag);
    check(call() == TT_OK, "[LOG-010] unsubscribe");
    /* Entries sent before the unsubscribe's reply are already queued (one ordered stream):
     * drop them, so the next event is the fault's StopEvent. */
    while (cl.ev_count > 0 && cl.events[cl.ev_head].which_body == tether_v1_Message_log_entries_tag &&
           tt_client_next_event(&cl, &ev, 0) == TT_OK) {
    }

    /* Fault capture: the app writes Secure RAM when demo_fault_trigger is 1. */
    const uint8_t one[4] = {1, 0, 0, 0};
    check(write_mem(trigger, one, 4) == TT_OK, "set demo_fault_trigger = 1");
    e = resume(tether_v1_ResumeAction_CONTINUE, 0, 0, NULL, 0, 1);
    got = e == TT_OK && stop_event(&st);
    check(got && st.reason == tether_v1_StopReason_FAULT && st.has_fault,
          "[DBG-051] fault captured as StopEvent FAULT: pc %08x cfsr %08x hfsr %08x sfsr %08x "
          "sfar %08x",
          st.regs.pc, st.fault.cfsr, st.fault.hfsr, st.fault.sfsr, st.fault.sfar);
    /* SFAR is meaningful only with SFSR.SFARVALID (QEMU 7.2 leaves it clear for AUVIOL). */
    check(got && (st.fault.sfsr & 0x8u) != 0 &&
              (!(st.fault.sfsr & 0x40u) || st.fault.sfar == 0x38000000u),
          "[DBG-050] SFSR.AUVIOL (the app's access to Secure RAM)");
    msg(tether_v1_Message_ping_tag)->body.ping.nonce = 78;
    check(call() == TT_OK && rep.body.pong.nonce == 78, "[CTL-001] link still up after the fault");

    /* Attestation and log, over the same session. */
    memset(msg(tether_v1_Message_attest_challenge_tag)->body.attest_challenge.nonce, 0x3C, 32);
    e = call();
    uint8_t digest[32];
    int att = e == TT_OK &&
              tt_crypto_sodium.sha256(digest, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                                      sizeof TT_EVIDENCE_SIG_CONTEXT,
                                      rep.body.attest_evidence.evidence.bytes,
                                      rep.body.attest_evidence.evidence.size) == TT_OK;
    att = att && tt_p256_verify(attest_pub, TT_P256_PUB_LEN, digest,
                                rep.body.attest_evidence.signature, 64) == TT_OK;
    check(att, "[ATT-020] Evidence (%u bytes) verifies under the provisioned attestation key",
          rep.body.attest_evidence.evidence.size);
    msg(tether_v1_Message_close_tag);
    check(call() == TT_OK, "[CTL-020] close");
    tt_client_close(&cl); /* answered already: sends nothing more */
    uint32_t round_trips = cl.round_trips;

    /* Sessions end cleanly ([HS-061]): four clients (four keys, as many as the device has
     * slots) each ping and close as every CLI command does on exit; a fifth gets in at once
     * rather than hs-busy until TT_SESSION_IDLE_MS. */
    int closed = 0;
    for (unsigned k = 0; k < 4; k++) {
        e = connect_device(&rec, owner, &tcp, TT_PERM_ALL);
        msg(tether_v1_Message_ping_tag)->body.ping.nonce = 100 + k;
        if (e == TT_OK && call() == TT_OK) {
            tt_client_close(&cl);
            closed += cl.closed_acked;
        }
    }
    check(closed == 4, "[HS-061] [CTL-020] four clients closed their sessions (%d acked)",
          closed);
    e = connect_device(&rec, owner, &tcp, TT_PERM_ALL);
    check(e == TT_OK, "[HS-061] a fifth client connects at once (%s)", tt_err_name(e));
    tt_client_close(&cl);
    /* A debug-read-only client attaches and closes: a full grant attaches at once. */
    e = connect_device(&rec, owner, &tcp, TT_PERM_DEBUG_READ);
    if (e == TT_OK)
        e = call_tag(tether_v1_Message_attach_tag);
    check(e == TT_OK, "read-only client attached (%s)", tt_err_name(e));
    tt_client_close(&cl);
    e = connect_device(&rec, owner, &tcp, TT_PERM_ALL);
    if (e == TT_OK)
        e = call_tag(tether_v1_Message_attach_tag);
    check(e == TT_OK, "[DBG-060] [HS-061] full-grant client attaches at once after it (%s)",
          tt_err_name(e));
    tt_client_close(&cl); /* the Close detaches ([DBG-060]) */
    printf("INTEGRATION %s checks=%d failures=%d round_trips=%u\n",
           failures ? "FAIL" : "PASS", checks, failures, round_trips);
    return failures ? 1 : 0;
}
