/* prov_keys.c — the keys of port.h, from the provisioning blob at chip_prov_base.
 *
 * The same blob on every chip (ref-device/tools/provision.py makes it): "TTPV", version 1,
 * device id, X25519 static private key, owner P-256 public key, attestation P-256 private
 * key (zero: none, [ATT-021]); when byte 5 is 1, the firmware P-256 public key at 160 (OTA
 * manifests, [OTA-021]; otherwise zero: no OTA service). Only where it lies differs: RAM the host loads (QEMU) or a
 * Secure flash page written at the factory. Another magic or version means "not
 * provisioned". Depends on armv8m.h. */
#include "armv8m.h"

#include <string.h>

#define PROV_MAGIC "TTPV"
#define PROV_VERSION 1u
#define PROV_OFF_ID 8u
#define PROV_OFF_PRIV 24u
#define PROV_OFF_OWNER 56u
#define PROV_OFF_ATTEST 128u
#define PROV_OFF_FLAGS 5u
#define PROV_FLAG_FIRMWARE 1u
#define PROV_OFF_FIRMWARE 160u

tt_err tt_port_keys(struct tt_port_keys *out)
{
    const uint8_t *p = (const uint8_t *)chip_prov_base;
    if (out == NULL)
        return TT_ERR_ARG;
    if (memcmp(p, PROV_MAGIC, 4) != 0 || p[4] != PROV_VERSION)
        return TT_ERR_STATE;
    memcpy(out->device_id, p + PROV_OFF_ID, sizeof out->device_id);
    memcpy(out->static_private, p + PROV_OFF_PRIV, sizeof out->static_private);
    memcpy(out->owner_public, p + PROV_OFF_OWNER, sizeof out->owner_public);
    memcpy(out->attest_private, p + PROV_OFF_ATTEST, sizeof out->attest_private);
    if (p[PROV_OFF_FLAGS] & PROV_FLAG_FIRMWARE)
        memcpy(out->firmware_public, p + PROV_OFF_FIRMWARE, sizeof out->firmware_public);
    else
        memset(out->firmware_public, 0, sizeof out->firmware_public);
    return TT_OK;
}
