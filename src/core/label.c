#include "core/label.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void label_mask_phone(const char *phone, char *out, size_t len) {
    char digits[32];
    size_t n = 0;
    for (const char *p = phone ? phone : ""; *p && n < sizeof digits - 1; p++)
        if (isdigit((unsigned char)*p))
            digits[n++] = *p;
    digits[n] = '\0';
    /* A mobile may be written with +86 or 86 in front. */
    const char *d = digits;
    if (n == 13 && strncmp(d, "86", 2) == 0) {
        d += 2;
        n -= 2;
    }
    if (n == 11 && d[0] == '1')
        snprintf(out, len, "%.3s****%s", d, d + 7);
    else if (n > 4)
        snprintf(out, len, "****%s", d + n - 4);
    else
        snprintf(out, len, "****");
}

/* Field data for ^FH: the ZPL command characters and the escape itself as hex. */
static void zpl_text(FILE *out, const char *text) {
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '^' || *p == '~' || *p == '\\')
            fprintf(out, "\\%02X", (unsigned char)*p);
        else if ((unsigned char)*p >= 32) /* control characters would break the field */
            fputc(*p, out);
    }
}

static void zpl_field(FILE *out, int x, int y, int size, const char *text) {
    /* ^A@ with a CJK font the printer holds (SimSun is the usual one on Chinese printers). */
    fprintf(out, "^FO%d,%d^A@N,%d,%d,E:SIMSUN.TTF^FH\\^FD", x, y, size, size);
    zpl_text(out, text);
    fputs("^FS\n", out);
}

char *label_zpl(const label_t *l) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    char phone[24], line[160];
    label_mask_phone(l->phone, phone, sizeof phone);
    /* 203 dpi: 100 × 150 mm is 800 × 1200 dots. */
    fputs("^XA\n^CI28\n^PW800\n^LL1200\n", out);
    zpl_field(out, 30, 30, 50, l->carrier_name);
    zpl_field(out, 560, 40, 30, l->carrier_code);
    fputs("^FO30,100^GB740,3,3^FS\n", out);
    fputs("^FO60,130^BY3^BCN,160,Y,N,N,A^FH\\^FD", out);
    zpl_text(out, l->tracking_no);
    fputs("^FS\n^FO30,350^GB740,3,3^FS\n", out);
    snprintf(line, sizeof line, "收 %s %s", l->recipient ? l->recipient : "", phone);
    zpl_field(out, 30, 380, 40, line);
    fprintf(out, "^FO30,440^FB740,4,8,L,0^A@N,32,32,E:SIMSUN.TTF^FH\\^FD");
    zpl_text(out, l->address);
    fputs("^FS\n^FO30,620^GB740,3,3^FS\n", out);
    snprintf(line, sizeof line, "寄 %s", l->sender ? l->sender : "");
    zpl_field(out, 30, 650, 30, line);
    snprintf(line, sizeof line, "订单 %s  包裹 %lld", l->order_no, (long long)l->parcel_id);
    zpl_field(out, 30, 710, 30, line);
    snprintf(line, sizeof line, "重量 %.2f kg  %s", (double)l->weight_g / 1000.0,
             l->packaging ? l->packaging : "");
    zpl_field(out, 30, 760, 30, line);
    fputs("^XZ\n", out);
    bool failed = ferror(out);
    fclose(out);
    if (failed) {
        free(buf);
        return NULL;
    }
    return buf;
}
