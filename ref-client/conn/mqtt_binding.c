/* mqtt_binding.c — the MQTT binding's rules without I/O (transport.h; spec/transport.md
 * [MTB-001], [MTB-002], [MTB-004]): broker addresses, topic names, and which broker message
 * becomes a packet. transport_mqtt.c does the network; the bridge fuzz harness drives these
 * directly. No libmosquitto here. */
#include <stdio.h>
#include <string.h>

#include "transport.h"

tt_err tt_mqtt_parse(const char *addr, char *host, size_t hostcap, uint16_t *port)
{
    char tcp[96];
    if (!addr || strncmp(addr, "mqtt://", 7) != 0)
        return TT_ERR_FORMAT;
    /* Same HOST:PORT rules as the TCP link. */
    if (snprintf(tcp, sizeof tcp, "tcp:%s", addr + 7) >= (int)sizeof tcp)
        return TT_ERR_FORMAT;
    return tt_tcp_parse(tcp, host, hostcap, port);
}

tt_err tt_mqtt_topic(char *out, size_t cap, const uint8_t id[16], const char *leaf)
{
    static const char hex[] = "0123456789abcdef";
    char h[33];
    for (unsigned i = 0; i < 16; i++) {
        h[2 * i] = hex[id[i] >> 4];
        h[2 * i + 1] = hex[id[i] & 15];
    }
    h[32] = 0;
    if (snprintf(out, cap, "tether/%s/%s", h, leaf) >= (int)cap)
        return TT_ERR_NO_SPACE;
    return TT_OK;
}

tt_err tt_mqtt_accept(struct tt_mqtt *c, const char *topic, const void *payload, size_t len)
{
    struct tt_mqtt_msg *slot;
    if (!topic || strcmp(topic, c->sub) != 0) {
        c->dropped_topic++;
        return TT_ERR_FORMAT;
    }
    if (len == 0 || len > TT_PKT_MAX_LEN || !payload) { /* [MTB-001] */
        c->dropped_length++;
        return TT_ERR_PKT_LENGTH;
    }
    if (c->qn == TT_MQTT_QUEUE) { /* the reliability layer resends what is lost here */
        c->dropped_full++;
        return TT_ERR_NO_SPACE;
    }
    slot = &c->q[(c->qh + c->qn) % TT_MQTT_QUEUE];
    memcpy(slot->b, payload, len);
    slot->len = (uint16_t)len;
    c->qn++;
    return TT_OK;
}

tt_err tt_mqtt_take(struct tt_mqtt *c, uint8_t *buf, size_t cap, size_t *n)
{
    const struct tt_mqtt_msg *msg;
    if (c->qn == 0)
        return TT_ERR_TIMEOUT;
    msg = &c->q[c->qh];
    if (msg->len > cap)
        return TT_ERR_NO_SPACE;
    memcpy(buf, msg->b, msg->len);
    *n = msg->len;
    c->qh = (c->qh + 1) % TT_MQTT_QUEUE;
    c->qn--;
    return TT_OK;
}
