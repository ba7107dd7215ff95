#ifndef ORDO_SVC_DEMO_H
#define ORDO_SVC_DEMO_H

#include "svc/app.h"

/* Loads the demo catalog (SKUs, three warehouses in different provinces, stock) through the
 * same use cases the API uses. Returns 0, or -1 with a reason logged. */
int demo_load(app_t *app);

#endif
