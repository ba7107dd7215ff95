#ifndef ORDO_CORE_PACKAGING_H
#define ORDO_CORE_PACKAGING_H

#include <stdbool.h>
#include <stdint.h>

/* What a parcel is packed in, from its items' attributes and sizes. Pure.
 *
 * Boxes are the common Chinese postal cartons (邮政纸箱 1–12号, inner sizes in mm); soft goods
 * that are neither fragile, liquid nor food and fit in a mailer go in a poly mailer (快递袋).
 * Fragile items get bubble wrap and filler around them, liquids a sealed bag, food a
 * food-safe liner: the protections take room, so fragile goods need more free space. */

typedef struct {
    int64_t weight_g, length_mm, width_mm, height_mm; /* one unit */
    int qty;
    bool fragile, liquid, food;
} pack_item_t;

typedef struct {
    const char *box;      /* "carton_3", "poly_mailer"… (static) */
    const char *box_name; /* "3号纸箱" (static) */
    int64_t length_mm, width_mm, height_mm;
    bool bubble_wrap, sealed_bag, food_liner, filler;
    bool fits; /* false when even the largest carton is too small: it goes as the largest, noted */
} packaging_t;

packaging_t packaging_choose(const pack_item_t *items, int n);

#endif
