#ifndef ORDO_UTIL_ENV_H
#define ORDO_UTIL_ENV_H

/* The positive integer in environment variable `name`, or dflt when it is unset, empty, not
 * a number or not above zero (a setting that makes no sense falls back to the default). */
long env_positive(const char *name, long dflt);

#endif
