/* The permission matrix: who may call what. Roles follow the desks of the seeds: the
 * reviewer works the review queue, holds and exceptions; the warehouse runs waves, picks,
 * packing, shipping and stock, and never sees payment data (order views for it leave
 * payment out: see core/order_redact.h); customer service works after-sales, logistics
 * cases, exceptions, buyer messages and reviews; finance handles payments, reconciliation,
 * invoices, refunds, settlement and reports. Settings (rules, policies, carriers,
 * webhooks, message senders, tracking providers) and users are the admin's. */
#include "http/permissions.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RV ROLE_BIT(ROLE_REVIEWER)
#define WH ROLE_BIT(ROLE_WAREHOUSE)
#define CS ROLE_BIT(ROLE_CUSTOMER_SERVICE)
#define FI ROLE_BIT(ROLE_FINANCE)
#define ADMIN_ONLY 0u
#define ANY_ROLE (RV | WH | CS | FI)

const route_permission_t route_permissions[] = {
    /* Catalog and warehouses: everyone reads, the admin keeps them. */
    {"PUT", "/v1/skus/{}", ADMIN_ONLY, "change the catalog"},
    {"GET", "/v1/skus/{}", ANY_ROLE, "read the catalog"},
    {"PUT", "/v1/warehouses/{}", ADMIN_ONLY, "change warehouses"},
    {"GET", "/v1/warehouses/{}", ANY_ROLE, "read warehouses"},
    /* Stock and lots. */
    {"PUT", "/v1/stock/{}/{}", WH, "count stock"},
    {"POST", "/v1/stock/{}/{}/adjust", WH, "adjust stock"},
    {"GET", "/v1/stock/{}", WH | RV | CS, "read stock"},
    {"PUT", "/v1/stock/{}/{}/lots/{}", WH, "record lots"},
    {"GET", "/v1/ledger/verify", WH, "verify the reservation ledger"},
    {"GET", "/v1/reports/low-stock", WH | FI, "read stock reports"},
    {"GET", "/v1/reports/slow-movers", WH | FI, "read stock reports"},
    {"GET", "/v1/reports/near-expiry", WH | FI, "read stock reports"},
    /* Orders: everyone reads them (the warehouse without payment data). Integrations that
     * place orders use a token of an admin user or the admin token. */
    {"POST", "/v1/orders", ADMIN_ONLY, "place orders"},
    {"GET", "/v1/orders", ANY_ROLE, "read orders"},
    {"GET", "/v1/orders/{}", ANY_ROLE, "read orders"},
    {"GET", "/v1/orders/{}/events", ANY_ROLE, "read order timelines"},
    {"PATCH", "/v1/orders/{}", RV, "edit orders"},
    {"POST", "/v1/orders/{}/edits", RV, "edit order lines"},
    {"POST", "/v1/orders/{}/cancel", RV | CS, "cancel orders"},
    /* Review. */
    {"POST", "/v1/orders/{}/holds", RV, "hold orders"},
    {"DELETE", "/v1/orders/{}/holds/{}", RV, "release holds"},
    {"POST", "/v1/orders/{}/approve", RV, "approve orders"},
    {"POST", "/v1/orders/{}/reject", RV, "reject orders"},
    {"GET", "/v1/review/queue", RV, "read the review queue"},
    {"GET", "/v1/review/rules", RV, "read the review rules"},
    {"PUT", "/v1/review/rules", ADMIN_ONLY, "change the review rules"},
    /* The exception pool. */
    {"GET", "/v1/exceptions", RV | CS, "read exceptions"},
    {"GET", "/v1/exceptions/summary", RV | CS, "read exceptions"},
    {"GET", "/v1/exceptions/{}", RV | CS, "read exceptions"},
    {"POST", "/v1/exceptions/{}/assign", RV | CS, "work exceptions"},
    {"POST", "/v1/exceptions/{}/actions", RV | CS, "work exceptions"},
    {"POST", "/v1/exceptions/{}/resolve", RV | CS, "work exceptions"},
    /* Sourcing and merged shipments. */
    {"GET", "/v1/orders/{}/allocation", RV | WH | CS, "read allocations"},
    {"POST", "/v1/orders/{}/reallocate", RV, "reallocate orders"},
    {"POST", "/v1/allocation/preview", ADMIN_ONLY, "preview the sourcing policy"},
    {"GET", "/v1/allocation/policy", ADMIN_ONLY, "read the sourcing policy"},
    {"PUT", "/v1/allocation/policy", ADMIN_ONLY, "change the sourcing policy"},
    {"GET", "/v1/merges/rule", RV, "read the merge rule"},
    {"PUT", "/v1/merges/rule", ADMIN_ONLY, "change the merge rule"},
    {"POST", "/v1/merges", RV, "merge shipments"},
    {"GET", "/v1/merges/{}", RV | WH, "read merged shipments"},
    {"DELETE", "/v1/merges/{}", RV, "undo merged shipments"},
    /* Payments, reconciliation, invoices, refunds, settlement: finance. */
    {"PUT", "/v1/payments/providers/{}", FI, "configure payment providers"},
    {"GET", "/v1/payments/providers/{}", FI, "read payment providers"},
    {"POST", "/v1/reconciliations/alipay", FI, "reconcile payments"},
    {"GET", "/v1/reconciliations/{}", FI, "read reconciliations"},
    {"POST", "/v1/orders/{}/invoice", FI, "issue invoices"},
    {"GET", "/v1/orders/{}/invoice", FI, "read invoices"},
    {"GET", "/v1/invoices/{}", FI, "read invoices"},
    {"POST", "/v1/invoices/{}/void", FI, "void invoices"},
    {"PUT", "/v1/refunds/provider", FI, "configure the refund provider"},
    {"GET", "/v1/refunds/provider", FI, "read the refund provider"},
    {"GET", "/v1/refunds", FI | CS, "read refunds"},
    {"GET", "/v1/refunds/{}", FI | CS, "read refunds"},
    {"POST", "/v1/refunds/{}/retry", FI, "retry refunds"},
    {"GET", "/v1/orders/{}/refunds", FI | CS, "read refunds"},
    {"GET", "/v1/settlement", FI, "read the settlement"},
    {"GET", "/v1/stats/quality", RV | CS | FI, "read quality statistics"},
    /* Webhooks: the admin's. */
    {"PUT", "/v1/webhooks/{}", ADMIN_ONLY, "manage webhooks"},
    {"GET", "/v1/webhooks/{}", ADMIN_ONLY, "manage webhooks"},
    {"GET", "/v1/webhooks/{}/deliveries", ADMIN_ONLY, "manage webhooks"},
    {"POST", "/v1/webhooks/{}/deliveries/{}/redeliver", ADMIN_ONLY, "manage webhooks"},
    /* Buyer messages. */
    {"PUT", "/v1/messages/templates/{}/{}", ADMIN_ONLY, "change message templates"},
    {"GET", "/v1/messages/templates", CS, "read message templates"},
    {"PUT", "/v1/messages/senders/{}", ADMIN_ONLY, "configure message senders"},
    {"GET", "/v1/messages/senders/{}", ADMIN_ONLY, "read message senders"},
    {"GET", "/v1/messages", CS, "read buyer messages"},
    {"POST", "/v1/messages/{}/resend", CS, "resend buyer messages"},
    {"GET", "/v1/orders/{}/messages", CS, "read buyer messages"},
    /* Live events include payment, invoice and refund events: not the warehouse's. */
    {"GET", "/v1/events/stream", RV | CS | FI, "follow the live event stream"},
    /* Carriers, packing and shipping. */
    {"PUT", "/v1/carriers/{}", ADMIN_ONLY, "configure carriers"},
    {"GET", "/v1/carriers/{}", WH | CS, "read carriers"},
    {"GET", "/v1/carriers", WH | CS, "read carriers"},
    {"POST", "/v1/carriers/{}/tracking-numbers", ADMIN_ONLY, "add tracking numbers"},
    {"POST", "/v1/orders/{}/pack", WH, "pack orders"},
    {"POST", "/v1/orders/{}/ship", WH, "ship orders"},
    {"GET", "/v1/orders/{}/parcels", WH | CS, "read parcels"},
    {"GET", "/v1/parcels/{}", WH | CS, "read parcels"},
    {"GET", "/v1/parcels/{}/label.pdf", WH, "print labels"},
    {"GET", "/v1/parcels/{}/label.zpl", WH, "print labels"},
    /* Waves and picking. */
    {"POST", "/v1/waves", WH, "create waves"},
    {"GET", "/v1/waves/{}", WH, "read waves"},
    {"GET", "/v1/picks/{}", WH, "read pick tasks"},
    {"GET", "/v1/picks/{}/list", WH, "read pick tasks"},
    {"POST", "/v1/picks/{}/scan", WH, "scan picks"},
    {"POST", "/v1/picks/{}/short", WH, "report short picks"},
    {"POST", "/v1/picks/{}/qc-reject", WH, "reject picks at QC"},
    {"GET", "/v1/orders/{}/picks", WH, "read pick tasks"},
    /* Completion and buyers' reviews. */
    {"POST", "/v1/orders/{}/confirm", CS, "confirm receipt"},
    {"GET", "/v1/orders/{}/completion", ANY_ROLE, "read completion"},
    {"GET", "/v1/completion/settings", CS, "read completion settings"},
    {"PUT", "/v1/completion/settings", ADMIN_ONLY, "change completion settings"},
    {"POST", "/v1/completion/run", ADMIN_ONLY, "run the completion sweep"},
    {"POST", "/v1/orders/{}/review", CS, "record buyers' reviews"},
    {"PUT", "/v1/orders/{}/review", CS, "record buyers' reviews"},
    {"GET", "/v1/orders/{}/review", CS | RV, "read buyers' reviews"},
    {"GET", "/v1/reviews", CS | RV, "read buyers' reviews"},
    /* Tracking. */
    {"PUT", "/v1/tracking/providers/{}", ADMIN_ONLY, "configure tracking providers"},
    {"GET", "/v1/tracking/providers/{}", ADMIN_ONLY, "read tracking providers"},
    {"PUT", "/v1/tracking/carriers/{}", ADMIN_ONLY, "configure carrier tracking"},
    {"GET", "/v1/tracking/carriers/{}", ADMIN_ONLY, "read carrier tracking"},
    {"POST", "/v1/tracking/poll", ADMIN_ONLY, "run the tracking poll"},
    {"POST", "/v1/tracking/sweep", ADMIN_ONLY, "run the tracking sweep"},
    {"GET", "/v1/orders/{}/tracking", RV | WH | CS, "read tracking"},
    /* Logistics cases. */
    {"POST", "/v1/orders/{}/logistics-cases", CS, "open logistics cases"},
    {"GET", "/v1/orders/{}/logistics-cases", CS, "read logistics cases"},
    /* After-sales: customer service; the warehouse receives returns (and sees damaged
     * stock), finance makes refunds. Tickets show refund amounts: not the warehouse's. */
    {"POST", "/v1/orders/{}/after-sales", CS, "open after-sales tickets"},
    {"GET", "/v1/after-sales", CS | FI, "read after-sales tickets"},
    {"GET", "/v1/after-sales/settings", CS, "read after-sales settings"},
    {"PUT", "/v1/after-sales/settings", ADMIN_ONLY, "change after-sales settings"},
    {"GET", "/v1/after-sales/damaged-stock", CS | WH, "read damaged stock"},
    {"POST", "/v1/after-sales/sweep", ADMIN_ONLY, "run the after-sales SLA sweep"},
    {"GET", "/v1/after-sales/{}", CS | FI, "read after-sales tickets"},
    {"POST", "/v1/after-sales/{}/approve", CS, "approve after-sales tickets"},
    {"POST", "/v1/after-sales/{}/reject", CS, "reject after-sales tickets"},
    {"POST", "/v1/after-sales/{}/close", CS, "close after-sales tickets"},
    {"POST", "/v1/after-sales/{}/assign", CS, "assign after-sales tickets"},
    {"POST", "/v1/after-sales/{}/messages", CS, "write on after-sales tickets"},
    {"POST", "/v1/after-sales/{}/return-shipment", CS, "record return shipments"},
    {"POST", "/v1/after-sales/{}/receive", CS | WH, "receive returns"},
    {"POST", "/v1/after-sales/{}/refund", CS | FI, "refund after-sales tickets"},
    /* Users: the admin's; signing in is open, who-am-I and signing out everyone's. */
    {"GET", "/v1/users", ADMIN_ONLY, "manage users"},
    {"POST", "/v1/users", ADMIN_ONLY, "manage users"},
    {"PATCH", "/v1/users/{}", ADMIN_ONLY, "manage users"},
    {"POST", "/v1/users/{}/tokens", ADMIN_ONLY, "manage API tokens"},
    {"GET", "/v1/users/{}/tokens", ADMIN_ONLY, "manage API tokens"},
    {"DELETE", "/v1/users/{}/tokens/{}", ADMIN_ONLY, "manage API tokens"},
    {"GET", "/v1/session", ANY_ROLE, "read their session"},
    {"DELETE", "/v1/session", ANY_ROLE, "sign out"},
    /* Console support. The dashboard holds counts, times and rates, no money: every desk
     * watches it. Lists read like their single views. */
    {"GET", "/v1/stats/dashboard", ANY_ROLE, "read the dashboard"},
    {"GET", "/v1/stock", WH | RV | CS, "read stock"},
    {"GET", "/v1/warehouses", ANY_ROLE, "read warehouses"},
    {"GET", "/v1/webhooks", ADMIN_ONLY, "manage webhooks"},
    {"GET", "/v1/waves", WH, "read waves"},
};

const int route_permissions_count = sizeof route_permissions / sizeof route_permissions[0];

static const route_permission_t *find_permission(const char *method, const char *pattern) {
    for (int i = 0; i < route_permissions_count; i++)
        if (strcmp(route_permissions[i].pattern, pattern) == 0 &&
            strcmp(route_permissions[i].method, method) == 0)
            return &route_permissions[i];
    return NULL;
}

/* Each route's entry, found once: asking is then an index on every request. */
static const route_permission_t **permission_of_route;
static pthread_once_t permission_index_once = PTHREAD_ONCE_INIT;

static void build_permission_index(void) {
    permission_of_route = calloc((size_t)http_routes_count, sizeof *permission_of_route);
    for (int i = 0; permission_of_route && i < http_routes_count; i++)
        permission_of_route[i] = find_permission(http_routes[i].method, http_routes[i].pattern);
}

const route_permission_t *route_permission(const http_route_t *route) {
    pthread_once(&permission_index_once, build_permission_index);
    uintptr_t at = (uintptr_t)route, first = (uintptr_t)http_routes;
    size_t i = (at - first) / sizeof *route;
    if (permission_of_route && at >= first && i < (size_t)http_routes_count)
        return permission_of_route[i];
    return find_permission(route->method, route->pattern);
}

bool route_allowed(const http_route_t *route, role_t role) {
    if (role == ROLE_ADMIN)
        return true;
    const route_permission_t *p = route_permission(route);
    return p && (p->roles & ROLE_BIT(role)) != 0;
}
