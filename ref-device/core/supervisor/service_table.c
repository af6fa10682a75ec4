/* service_table.c — the supervisor's services, one row each, and what the supervisor asks of
 * all of them: routes for dispatch.c, per-turn polls, session-end hooks for session_table.c,
 * capabilities and limits for DeviceHello and Capabilities, start-up and the app's requests.
 *
 * Each service defines its row (in core/service/) and keeps its handlers private; nothing in
 * the supervisor names a service's functions, so the calls go one way: supervisor → service.
 * Table order is the order of polls and session-end hooks. Depends on internal.h. */
#include <string.h>

#include "internal.h"

const struct tt_sup_service *const sup_services[] = {
    &svc_control_service, &svc_debug_service, &svc_log_service,
    &svc_attest_service,  &svc_ota_service,
};
const size_t sup_nservices = sizeof sup_services / sizeof sup_services[0];

const struct tt_sup_service *sup_route(pb_size_t tag, const struct tt_sup_route **route)
{
    for (size_t k = 0; k < sup_nservices; k++)
        for (size_t r = 0; r < sup_services[k]->nroutes; r++)
            if (sup_services[k]->routes[r].tag == tag) {
                *route = &sup_services[k]->routes[r];
                return sup_services[k];
            }
    return NULL;
}

tether_v1_Message *sup_reply_body(struct tt_sup *s, pb_size_t tag)
{
    memset(&s->rep, 0, sizeof s->rep);
    s->rep.which_body = tag;
    return &s->rep;
}

uint32_t sup_capabilities(const struct tt_sup *s)
{
    uint32_t c = 0;
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->capabilities != NULL)
            c |= sup_services[k]->capabilities(s);
    return c;
}

void sup_limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->limits != NULL)
            sup_services[k]->limits(s, l);
}

tt_err sup_services_boot(struct tt_sup *s)
{
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->boot != NULL) {
            tt_err e = sup_services[k]->boot(s);
            if (e != TT_OK)
                return e;
        }
    return TT_OK;
}

void sup_services_poll(struct tt_sup *s)
{
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->poll != NULL) {
            sup_services[k]->poll(s);
            sup_outbox_drain(s);
        }
}

void sup_services_session_end(struct tt_sup *s, int i)
{
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->session_end != NULL)
            sup_services[k]->session_end(s, i);
}

void sup_services_app_requests(struct tt_sup *s, uint32_t req)
{
    for (size_t k = 0; k < sup_nservices; k++)
        if (sup_services[k]->app_requests != NULL)
            sup_services[k]->app_requests(s, req);
}
