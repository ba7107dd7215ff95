/* The label as PDF through libharu: its built-in Chinese fonts (SimSun, SimHei) take text in
 * GBK, so every string is converted from UTF-8 with iconv first. */
#include <errno.h>
#include <hpdf.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/code128.h"
#include "core/label.h"

#define MM 2.834646f /* points per millimetre */
#define PAGE_W (100 * MM)
#define PAGE_H (150 * MM)

typedef struct {
    char *err;
    size_t err_len;
    bool failed;
} pdf_ctx_t;

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user) {
    pdf_ctx_t *c = user;
    if (!c->failed)
        snprintf(c->err, c->err_len, "libharu error 0x%04X (detail %u)", (unsigned)error,
                 (unsigned)detail);
    c->failed = true;
}

/* UTF-8 to GBK; a character GBK lacks becomes '?' rather than ending the text. */
static void to_gbk(iconv_t cd, const char *utf8, char *out, size_t out_len) {
    char *in = (char *)(utf8 ? utf8 : "");
    size_t in_left = strlen(in), out_left = out_len - 1;
    char *o = out;
    iconv(cd, NULL, NULL, NULL, NULL);
    while (in_left > 0 && out_left > 0) {
        if (iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1)
            break;
        if (errno == E2BIG)
            break;
        /* EILSEQ / EINVAL: skip one UTF-8 character. */
        size_t skip = 1;
        while (skip < in_left && ((unsigned char)in[skip] & 0xC0) == 0x80)
            skip++;
        in += skip;
        in_left -= skip;
        *o++ = '?';
        out_left--;
    }
    *o = '\0';
}

static void text_at(HPDF_Page page, HPDF_Font font, float size, float x, float y, const char *gbk) {
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, size);
    HPDF_Page_TextOut(page, x, y, gbk);
    HPDF_Page_EndText(page);
}

/* Writes a GBK string in lines of at most `width` points, breaking between characters (a
 * Chinese address has no spaces to break at); returns the y below the last line. */
static float text_wrapped(HPDF_Page page, HPDF_Font font, float size, float x, float y, float width,
                          const char *gbk) {
    const unsigned char *p = (const unsigned char *)gbk;
    char line[256];
    while (*p) {
        size_t n = 0;
        while (p[n]) {
            size_t step = p[n] >= 0x81 && p[n + 1] ? 2 : 1; /* GBK: a lead byte and a trail */
            if (n + step >= sizeof line)
                break;
            memcpy(line, p, n + step);
            line[n + step] = '\0';
            if (n > 0 && HPDF_Page_TextWidth(page, line) > width)
                break;
            n += step;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        text_at(page, font, size, x, y, line);
        p += n;
        y -= size * 1.3f;
    }
    return y;
}

static void rule(HPDF_Page page, float y) {
    HPDF_Page_SetLineWidth(page, 1);
    HPDF_Page_MoveTo(page, 5 * MM, y);
    HPDF_Page_LineTo(page, PAGE_W - 5 * MM, y);
    HPDF_Page_Stroke(page);
}

/* Code 128 bars, as wide as fits in width (a whole number of module widths is not needed
 * in PDF: the printer rasterizes at its own resolution). */
static bool barcode(HPDF_Page page, const char *text, float x, float y, float width, float height) {
    uint8_t widths[6 * CODE128_SYMBOLS_MAX + 1];
    int modules = 0;
    int n = code128_widths(text, widths, (int)sizeof widths, &modules);
    if (n < 0)
        return false;
    float module = width / (float)modules;
    float at = x;
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0)
            HPDF_Page_Rectangle(page, at, y, module * widths[i], height);
        at += module * widths[i];
    }
    HPDF_Page_Fill(page);
    return true;
}

unsigned char *label_pdf(const label_t *l, size_t *len, char *err, size_t err_len) {
    pdf_ctx_t ctx = {err, err_len, false};
    uint8_t probe[6 * CODE128_SYMBOLS_MAX + 1];
    if (code128_widths(l->tracking_no, probe, (int)sizeof probe, NULL) < 0) {
        snprintf(err, err_len, "tracking number '%s' cannot be printed as Code 128",
                 l->tracking_no);
        return NULL;
    }
    iconv_t cd = iconv_open("GBK", "UTF-8");
    if (cd == (iconv_t)-1) {
        snprintf(err, err_len, "no UTF-8 to GBK conversion available");
        return NULL;
    }
    HPDF_Doc pdf = HPDF_New(on_error, &ctx);
    unsigned char *out = NULL;
    if (!pdf) {
        snprintf(err, err_len, "libharu could not start a document");
        iconv_close(cd);
        return NULL;
    }
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseCNSFonts(pdf);
    HPDF_UseCNSEncodings(pdf);
    HPDF_Font song = HPDF_GetFont(pdf, "SimSun", "GBK-EUC-H");
    HPDF_Font hei = HPDF_GetFont(pdf, "SimHei", "GBK-EUC-H");
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!ctx.failed) {
        HPDF_Page_SetWidth(page, PAGE_W);
        HPDF_Page_SetHeight(page, PAGE_H);
        char gbk[1024], line[512], phone[24];
        float left = 6 * MM, y = PAGE_H - 14 * MM;
        to_gbk(cd, l->carrier_name, gbk, sizeof gbk);
        text_at(page, hei, 20, left, y, gbk);
        to_gbk(cd, l->carrier_code, gbk, sizeof gbk);
        text_at(page, hei, 12, PAGE_W - 30 * MM, y + 2, gbk);
        rule(page, PAGE_H - 18 * MM);
        barcode(page, l->tracking_no, 10 * MM, PAGE_H - 40 * MM, 80 * MM, 18 * MM);
        text_at(page, song, 11, 30 * MM, PAGE_H - 45 * MM, l->tracking_no);
        rule(page, PAGE_H - 49 * MM);
        label_mask_phone(l->phone, phone, sizeof phone);
        snprintf(line, sizeof line, "收件人：%s  %s", l->recipient ? l->recipient : "", phone);
        to_gbk(cd, line, gbk, sizeof gbk);
        text_at(page, hei, 13, left, PAGE_H - 57 * MM, gbk);
        to_gbk(cd, l->address, gbk, sizeof gbk);
        HPDF_Page_SetFontAndSize(page, song, 11);
        y = text_wrapped(page, song, 11, left, PAGE_H - 64 * MM, PAGE_W - 12 * MM, gbk);
        rule(page, PAGE_H - 90 * MM);
        snprintf(line, sizeof line, "寄件：%s", l->sender ? l->sender : "");
        to_gbk(cd, line, gbk, sizeof gbk);
        text_at(page, song, 10, left, PAGE_H - 97 * MM, gbk);
        snprintf(line, sizeof line, "订单号：%s   包裹：%lld", l->order_no,
                 (long long)l->parcel_id);
        to_gbk(cd, line, gbk, sizeof gbk);
        text_at(page, song, 10, left, PAGE_H - 104 * MM, gbk);
        snprintf(line, sizeof line, "重量：%.2f kg   包装：%s", (double)l->weight_g / 1000.0,
                 l->packaging ? l->packaging : "");
        to_gbk(cd, line, gbk, sizeof gbk);
        text_at(page, song, 10, left, PAGE_H - 111 * MM, gbk);
        (void)y;
    }
    if (!ctx.failed && HPDF_SaveToStream(pdf) == HPDF_OK) {
        HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
        out = malloc(size ? size : 1);
        HPDF_UINT32 got = size;
        if (out && HPDF_ReadFromStream(pdf, out, &got) != HPDF_OK && got != size) {
            free(out);
            out = NULL;
        }
        *len = got;
    }
    if (!out && !ctx.failed)
        snprintf(err, err_len, "out of memory for the label");
    HPDF_Free(pdf);
    iconv_close(cd);
    return out;
}
