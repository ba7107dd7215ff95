#include "svc/reference_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

static char *load(const char *relative, char *err, size_t err_len) {
    char path[4096];
    if (data_path(relative, path, sizeof path) != 0) {
        snprintf(err, err_len, "data file %s not found (set ORDO_DATA_DIR)", relative);
        return NULL;
    }
    char *text = file_read_all(path, NULL);
    if (!text)
        snprintf(err, err_len, "cannot read %s", path);
    return text;
}

int reference_data_load(order_validation_t *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    char *text = load("divisions/vant-area-data-2.1.0.areaList.json", err, err_len);
    if (text) {
        out->divisions = divisions_from_json(text, err, err_len);
        free(text);
    }
    text = out->divisions
               ? load("phone/libphonenumber_PhoneNumberMetadata_CN_territory.xml", err, err_len)
               : NULL;
    if (text) {
        out->phones = phone_plan_from_xml(text, err, err_len);
        free(text);
    }
    if (out->divisions && out->phones)
        return 0;
    reference_data_free(out);
    return -1;
}

void reference_data_free(order_validation_t *v) {
    divisions_free((divisions_t *)v->divisions);
    phone_plan_free((phone_plan_t *)v->phones);
    v->divisions = NULL;
    v->phones = NULL;
}
