/* groups.c — the device suite's table of contents: one row per service or layer, in the
 * order they run. Control runs last but one: its revocation-floor case changes the device
 * for good (later grants carry the new serial). OTA runs last: its install case raises the
 * device's security counter for good. */
#include "conform.h"

extern const struct conf_case conf_handshake_cases[], conf_session_cases[],
    conf_record_cases[], conf_debug_cases[], conf_log_cases[], conf_attest_cases[],
    conf_control_cases[], conf_wire_cases[], conf_spec11_cases[], conf_envelope_cases[],
    conf_limits_cases[], conf_ota_cases[], conf_initiation_cases[], conf_pending_cases[],
    conf_message_cases[];
extern const size_t conf_handshake_ncases, conf_session_ncases, conf_record_ncases,
    conf_debug_ncases, conf_log_ncases, conf_attest_ncases, conf_control_ncases, conf_wire_ncases,
    conf_spec11_ncases, conf_envelope_ncases, conf_limits_ncases, conf_ota_ncases,
    conf_initiation_ncases, conf_pending_ncases, conf_message_ncases;

const struct conf_group conf_groups[] = {
    {"handshake", conf_handshake_cases, &conf_handshake_ncases},
    {"initiation", conf_initiation_cases, &conf_initiation_ncases}, /* message 1: no command */
    {"session", conf_session_cases, &conf_session_ncases},
    {"wire", conf_wire_cases, &conf_wire_ncases},
    {"pending", conf_pending_cases, &conf_pending_ncases}, /* 1.2: [HS-070] */
    {"message", conf_message_cases, &conf_message_ncases}, /* through a broker only */
    {"record", conf_record_cases, &conf_record_ncases},
    {"envelope", conf_envelope_cases, &conf_envelope_ncases},
    {"limits", conf_limits_cases, &conf_limits_ncases},
    {"debug", conf_debug_cases, &conf_debug_ncases},
    {"log", conf_log_cases, &conf_log_ncases},
    {"attest", conf_attest_cases, &conf_attest_ncases},
    {"spec11", conf_spec11_cases, &conf_spec11_ncases}, /* the points settled in 1.1 */
    {"control", conf_control_cases, &conf_control_ncases},
    {"ota", conf_ota_cases, &conf_ota_ncases}, /* last: changes the security counter */
};
const size_t conf_ngroups = sizeof conf_groups / sizeof conf_groups[0];
