/* grant_fixtures.h — the fixed owner key, device policy and grant bodies shared by the grant
 * harness and the corpus generator: the harness knows exactly which bodies the owner
 * signed, so it can tell a forged acceptance from a genuine one. Test keys only.
 * Depends on grant.h. */
#ifndef TETHER_FUZZ_GRANT_FIXTURES_H
#define TETHER_FUZZ_GRANT_FIXTURES_H

#include "tether/grant.h"

#define FUZZ_GRANT_N 7
#define FUZZ_GRANT_NOW 1700000000u /* device clock, Unix s */
#define FUZZ_GRANT_FLOOR 5u

/* Owner key pair (public computed once). */
const uint8_t *fuzz_owner_priv(void);
const uint8_t *fuzz_owner_pub(void);
/* Body i of the owner-signed set: 0 device scope, 1 group scope, 2 expired, 3 not yet
 * valid, 4 revoked, 5 another client's key, 6 another device. */
void fuzz_grant_body(int i, tether_v1_GrantBody *b);
/* The device's policy; flags bit 0: no clock (now_s 0), bit 1: floor raised above 10. */
void fuzz_grant_policy(unsigned flags, struct tt_grant_policy *p);

#endif
