#ifndef ORDO_SVC_DEMO_H
#define ORDO_SVC_DEMO_H

#include "svc/app.h"
#include "svc/op.h"

/* Loads the demo catalog (SKUs, three warehouses in different provinces, stock) through the
 * same use cases the API uses. Returns 0, or -1 with a reason logged. */
int demo_load(app_t *app);

/* Runs a demo op to its end and frees it, logging why it failed (r holds the reason when
 * op is NULL; cleared either way); 0 or -1. */
int demo_run(svc_op_t *op, svc_result_t *r, const char *what);

/* Runs one put use case (SKU, warehouse, carrier…) for the demo with a JSON body; 0, or -1
 * with a reason logged. */
typedef svc_op_t *(*put_fn)(app_t *, const char *, json_t *, const char *, svc_result_t *);
int demo_put(app_t *app, put_fn fn, const char *key, const char *json);

/* A morning's orders from every channel, placed through intake like any other. */
int demo_orders_load(app_t *app);

/* One demo user per role (demo-admin, demo-reviewer, …), each with a random password,
 * listed in the file at path (mode 0600) so that someone can sign in to the console. */
int demo_users_load(app_t *app, const char *path);

/* The demo carriers (SF, ZTO, YTO, JD, EMS) and a pool of tracking numbers each. */
int demo_carriers_load(app_t *app);

#endif
