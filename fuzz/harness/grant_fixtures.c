/* grant_fixtures.c — see grant_fixtures.h. Depends on grant.h, p256.h, common.h (keys). */
#include <string.h>

#include "common.h"
#include "grant_fixtures.h"

static const uint8_t groups[2][TT_DEVICE_ID_LEN] = {
    {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f},
    {0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f},
};

const uint8_t *fuzz_owner_priv(void)
{
    static uint8_t priv[TT_P256_PRIV_LEN];
    for (int i = 0; i < (int)sizeof priv; i++)
        priv[i] = (uint8_t)(i + 1);
    return priv;
}

const uint8_t *fuzz_owner_pub(void)
{
    static uint8_t pub[TT_P256_PUB_LEN];
    static int ready;
    if (!ready) {
        if (tt_p256_public(pub, fuzz_owner_priv()) != TT_OK)
            fuzz_fail(__FILE__, __LINE__, "setup", "owner public key");
        ready = 1;
    }
    return pub;
}

static void device_id(uint8_t id[TT_DEVICE_ID_LEN])
{
    for (unsigned i = 0; i < TT_DEVICE_ID_LEN; i++)
        id[i] = (uint8_t)(0xD0 + i);
}

void fuzz_grant_body(int i, tether_v1_GrantBody *b)
{
    memset(b, 0, sizeof *b);
    b->format = 1;
    memcpy(b->client_key, fuzz_keys()->client_pk, 32);
    b->which_scope = tether_v1_GrantBody_device_id_tag;
    device_id(b->scope.device_id);
    b->permissions = TT_PERM_ALL;
    b->not_before = 1600000000;
    b->not_after = 1800000000;
    b->serial = 10;
    switch (i) {
    case 1:
        b->which_scope = tether_v1_GrantBody_group_id_tag;
        memcpy(b->scope.group_id, groups[1], TT_DEVICE_ID_LEN);
        b->permissions = TT_PERM_DEBUG_READ;
        break;
    case 2:
        b->not_after = 1650000000;
        break;
    case 3:
        b->not_before = 1750000000;
        break;
    case 4:
        b->serial = 2;
        break;
    case 5:
        b->client_key[0] ^= 0x80;
        break;
    case 6:
        b->scope.device_id[15] ^= 1;
        break;
    default:
        break;
    }
}

void fuzz_grant_policy(unsigned flags, struct tt_grant_policy *p)
{
    memset(p, 0, sizeof *p);
    p->owner_pub = fuzz_owner_pub();
    device_id(p->device_id);
    p->group_ids = groups;
    p->ngroups = 2;
    p->now_s = (flags & 1) ? 0 : FUZZ_GRANT_NOW;
    p->revocation_floor = (flags & 2) ? 11 : FUZZ_GRANT_FLOOR;
}
