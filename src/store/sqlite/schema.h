#ifndef ORDO_STORE_SQLITE_SCHEMA_H
#define ORDO_STORE_SQLITE_SCHEMA_H

/* Versioned schema steps: step i brings the database to user_version i + 1. */
extern const char *const sqlite_migrations[];
extern const int sqlite_migrations_count;

#endif
