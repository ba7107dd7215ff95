#include "core/packaging.h"

/* Inner sizes of the postal cartons 12号 (smallest) to 1号, then the mailer (a flat bag: its
 * height is what soft goods can bulge to). */
static const struct {
    const char *code, *name;
    int64_t l, w, h;
} cartons[] = {
    {"carton_12", "12号纸箱", 130, 80, 90},  {"carton_11", "11号纸箱", 145, 85, 105},
    {"carton_10", "10号纸箱", 175, 95, 115}, {"carton_9", "9号纸箱", 195, 105, 135},
    {"carton_8", "8号纸箱", 210, 110, 140},  {"carton_7", "7号纸箱", 230, 130, 160},
    {"carton_6", "6号纸箱", 260, 150, 180},  {"carton_5", "5号纸箱", 290, 170, 190},
    {"carton_4", "4号纸箱", 350, 190, 230},  {"carton_3", "3号纸箱", 430, 210, 270},
    {"carton_2", "2号纸箱", 530, 230, 290},  {"carton_1", "1号纸箱", 530, 290, 370},
};
#define N_CARTONS (int)(sizeof cartons / sizeof cartons[0])
#define MAILER_L 350
#define MAILER_W 250
#define MAILER_H 60
#define MAILER_VOLUME_MAX_MM3 (MAILER_L * MAILER_W * MAILER_H / 2)

static void sort3(int64_t d[3]) {
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 - i; j++)
            if (d[j] < d[j + 1]) {
                int64_t t = d[j];
                d[j] = d[j + 1];
                d[j + 1] = t;
            }
}

packaging_t packaging_choose(const pack_item_t *items, int n) {
    packaging_t p = {0};
    int64_t volume = 0, longest[3] = {0, 0, 0};
    for (int i = 0; i < n; i++) {
        int64_t d[3] = {items[i].length_mm, items[i].width_mm, items[i].height_mm};
        sort3(d);
        for (int k = 0; k < 3; k++)
            if (d[k] > longest[k])
                longest[k] = d[k];
        volume += d[0] * d[1] * d[2] * items[i].qty;
        p.bubble_wrap |= items[i].fragile;
        p.filler |= items[i].fragile;
        p.sealed_bag |= items[i].liquid;
        p.food_liner |= items[i].food;
    }
    /* Room for the protections: goods fill at most 80% of a carton, fragile goods 55% (bubble
     * wrap and filler around them), and each side keeps a margin. */
    int64_t margin = p.bubble_wrap ? 20 : 5;
    int64_t needed = p.bubble_wrap ? volume * 100 / 55 : volume * 100 / 80;
    if (!p.bubble_wrap && !p.sealed_bag && !p.food_liner && volume <= MAILER_VOLUME_MAX_MM3 &&
        longest[0] <= MAILER_L - 20 && longest[1] <= MAILER_W - 20 && longest[2] <= MAILER_H) {
        p.box = "poly_mailer";
        p.box_name = "快递袋";
        p.length_mm = MAILER_L;
        p.width_mm = MAILER_W;
        p.height_mm = MAILER_H;
        p.fits = true;
        return p;
    }
    for (int c = 0; c < N_CARTONS; c++) {
        if (cartons[c].l * cartons[c].w * cartons[c].h < needed ||
            longest[0] + 2 * margin > cartons[c].l || longest[1] + 2 * margin > cartons[c].w ||
            longest[2] + 2 * margin > cartons[c].h)
            continue;
        p.box = cartons[c].code;
        p.box_name = cartons[c].name;
        p.length_mm = cartons[c].l;
        p.width_mm = cartons[c].w;
        p.height_mm = cartons[c].h;
        p.fits = true;
        return p;
    }
    p.box = cartons[N_CARTONS - 1].code;
    p.box_name = cartons[N_CARTONS - 1].name;
    p.length_mm = cartons[N_CARTONS - 1].l;
    p.width_mm = cartons[N_CARTONS - 1].w;
    p.height_mm = cartons[N_CARTONS - 1].h;
    return p;
}
