/* Invoices as PDF documents (libharu). */
#include "svc/invoice_pdf.h"

#include <hpdf.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

#define PAGE_W 842.0f
#define PAGE_H 595.0f
#define MARGIN 40.0f
#define ROW_H 16.0f
#define GBK_MAX 1024

typedef struct {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font font;
    iconv_t to_gbk;
    float y;
    bool failed;
} pdf_t;

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *ctx) {
    (void)error;
    (void)detail;
    ((pdf_t *)ctx)->failed = true;
}

/* UTF-8 to GBK for the font's encoding; characters GBK lacks become '?'. */
static void to_gbk(pdf_t *p, const char *utf8, char *out, size_t cap) {
    char *in = (char *)utf8, *o = out;
    size_t in_left = strlen(utf8), out_left = cap - 1;
    iconv(p->to_gbk, NULL, NULL, NULL, NULL);
    while (in_left > 0 && out_left > 0) {
        if (iconv(p->to_gbk, &in, &in_left, &o, &out_left) != (size_t)-1)
            break;
        /* Skip one UTF-8 character that has no GBK form. */
        *o++ = '?';
        out_left--;
        do {
            in++;
            in_left--;
        } while (in_left > 0 && ((unsigned char)*in & 0xC0) == 0x80);
    }
    *o = '\0';
}

static void text(pdf_t *p, float x, float y, float size, const char *utf8) {
    char gbk[GBK_MAX];
    to_gbk(p, utf8 ? utf8 : "", gbk, sizeof gbk);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, p->font, size);
    HPDF_Page_TextOut(p->page, x, y, gbk);
    HPDF_Page_EndText(p->page);
}

/* Right-aligned at x. */
static void text_right(pdf_t *p, float x, float y, float size, const char *utf8) {
    char gbk[GBK_MAX];
    to_gbk(p, utf8, gbk, sizeof gbk);
    HPDF_Page_SetFontAndSize(p->page, p->font, size);
    float w = HPDF_Page_TextWidth(p->page, gbk);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_TextOut(p->page, x - w, y, gbk);
    HPDF_Page_EndText(p->page);
}

static void new_page(pdf_t *p) {
    p->page = HPDF_AddPage(p->pdf);
    HPDF_Page_SetWidth(p->page, PAGE_W);
    HPDF_Page_SetHeight(p->page, PAGE_H);
    p->y = PAGE_H - MARGIN;
}

static const char *str(json_t *obj, const char *key) {
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

static const char *yuan(json_t *obj, const char *key, char *buf, size_t cap) {
    return money_format_yuan(buf, cap, json_integer_value(json_object_get(obj, key)));
}

static void party(pdf_t *p, float x, const char *role, json_t *who) {
    char line[400];
    float y = p->y;
    text(p, x, y, 11, role);
    snprintf(line, sizeof line, "名称：%s",
             json_object_get(who, "name") ? str(who, "name") : str(who, "title"));
    text(p, x, y - ROW_H, 10, line);
    snprintf(line, sizeof line, "纳税人识别号：%s", str(who, "tax_id"));
    text(p, x, y - 2 * ROW_H, 10, line);
    snprintf(line, sizeof line, "地址、电话：%s %s", str(who, "address"), str(who, "phone"));
    text(p, x, y - 3 * ROW_H, 10, line);
    snprintf(line, sizeof line, "开户行及账号：%s", str(who, "bank"));
    text(p, x, y - 4 * ROW_H, 10, line);
}

static const float COLS[] = {MARGIN, 380, 440, 530, 630, 690, PAGE_W - MARGIN};

static void table_head(pdf_t *p) {
    const char *heads[] = {"货物或应税劳务、服务名称", "数量", "单价", "金额", "税率", "税额"};
    text(p, COLS[0], p->y, 10, heads[0]);
    for (int i = 1; i < 6; i++)
        text_right(p, COLS[i + 1] - 20 * (i == 4), p->y, 10, heads[i]);
    HPDF_Page_MoveTo(p->page, MARGIN, p->y - 5);
    HPDF_Page_LineTo(p->page, PAGE_W - MARGIN, p->y - 5);
    HPDF_Page_Stroke(p->page);
    p->y -= ROW_H + 4;
}

static void line_row(pdf_t *p, json_t *l) {
    if (p->y < MARGIN + 4 * ROW_H) {
        new_page(p);
        table_head(p);
    }
    char buf[64], name[300];
    snprintf(name, sizeof name, "%s", str(l, "name"));
    text(p, COLS[0], p->y, 10, name);
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(l, "qty")));
    text_right(p, COLS[2], p->y, 10, buf);
    text_right(p, COLS[3], p->y, 10, yuan(l, "unit_price", buf, sizeof buf));
    text_right(p, COLS[4], p->y, 10, yuan(l, "net", buf, sizeof buf));
    int64_t bp = json_integer_value(json_object_get(l, "rate_bp"));
    if (bp % 100)
        snprintf(buf, sizeof buf, "%lld.%lld%%", (long long)(bp / 100), (long long)(bp % 100 / 10));
    else
        snprintf(buf, sizeof buf, "%lld%%", (long long)(bp / 100));
    text_right(p, COLS[5] - 20, p->y, 10, buf);
    text_right(p, COLS[6], p->y, 10, yuan(l, "tax", buf, sizeof buf));
    p->y -= ROW_H;
}

static void draw(pdf_t *p, json_t *inv) {
    new_page(p);
    bool electronic = strcmp(str(inv, "type"), "electronic") == 0;
    text(p, PAGE_W / 2 - 90, p->y, 18, electronic ? "销售发票（电子）" : "销售发票（纸质）");
    char line[300];
    snprintf(line, sizeof line, "发票号码：%s", str(inv, "invoice_no"));
    text_right(p, PAGE_W - MARGIN, p->y, 10, line);
    snprintf(line, sizeof line, "开票日期：%s", str(inv, "date"));
    text_right(p, PAGE_W - MARGIN, p->y - ROW_H, 10, line);
    snprintf(line, sizeof line, "订单号：%s", str(inv, "order_no"));
    text_right(p, PAGE_W - MARGIN, p->y - 2 * ROW_H, 10, line);
    p->y -= 3 * ROW_H + 10;
    party(p, MARGIN, "购买方", json_object_get(inv, "buyer"));
    party(p, PAGE_W / 2, "销售方", json_object_get(inv, "seller"));
    p->y -= 5 * ROW_H + 10;
    table_head(p);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(inv, "lines"), i, l) line_row(p, l);
    json_t *t = json_object_get(inv, "totals");
    char net[32], tax[32], amount[32];
    HPDF_Page_MoveTo(p->page, MARGIN, p->y + ROW_H - 5);
    HPDF_Page_LineTo(p->page, PAGE_W - MARGIN, p->y + ROW_H - 5);
    HPDF_Page_Stroke(p->page);
    text(p, COLS[0], p->y, 10, "合计");
    text_right(p, COLS[4], p->y, 10, yuan(t, "net", net, sizeof net));
    text_right(p, COLS[6], p->y, 10, yuan(t, "tax", tax, sizeof tax));
    snprintf(line, sizeof line, "价税合计（大写）：%s    （小写）￥%s", str(t, "amount_upper"),
             yuan(t, "amount", amount, sizeof amount));
    text(p, COLS[0], p->y - ROW_H - 4, 11, line);
    text(p, COLS[0], MARGIN - 10, 8,
         "本发票为商家开具的销售凭证，非税务机关监制的增值税发票（无税控）。");
    if (strcmp(str(inv, "status"), "void") == 0)
        text(p, PAGE_W / 2 - 60, PAGE_H / 2, 60, "作废");
}

char *invoice_pdf_render(json_t *invoice, size_t *len) {
    pdf_t p = {.to_gbk = iconv_open("GBK", "UTF-8")};
    *len = 0;
    if (p.to_gbk == (iconv_t)-1)
        return NULL;
    p.pdf = HPDF_New(on_error, &p);
    char *out = NULL;
    if (p.pdf) {
        HPDF_SetCompressionMode(p.pdf, HPDF_COMP_ALL);
        HPDF_UseCNSFonts(p.pdf);
        HPDF_UseCNSEncodings(p.pdf);
        p.font = HPDF_GetFont(p.pdf, "SimSun", "GBK-EUC-H");
        if (!p.failed)
            draw(&p, invoice);
        if (!p.failed && HPDF_SaveToStream(p.pdf) == HPDF_OK) {
            HPDF_UINT32 size = HPDF_GetStreamSize(p.pdf);
            out = size ? malloc(size) : NULL;
            /* Reading the whole stream ends in HPDF_STREAM_EOF, which is no failure. */
            if (out)
                HPDF_ReadFromStream(p.pdf, (HPDF_BYTE *)out, &size);
            *len = size;
        }
        HPDF_Free(p.pdf);
    }
    iconv_close(p.to_gbk);
    if (p.failed || *len == 0) {
        free(out);
        return NULL;
    }
    return out;
}
