/* libFuzzer target: any bytes as a POST /v1/orders body. The JSON parser, the canonical
 * order validation (divisions, phone plan, money) and the stored-form writer must never
 * crash, leak or read out of bounds, whatever the input. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/order_doc.h"
#include "core/order_parse.h"
#include "svc/reference_data.h"

static order_validation_t validation;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    if (!validation.divisions && reference_data_load(&validation, err, sizeof err) != 0)
        abort();
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!doc)
        return 0;
    order_input_t in;
    field_errors_t errs = {0};
    if (json_is_object(doc) && order_parse(doc, &validation, &in, &errs)) {
        char *text = order_doc_build(&in);
        /* the stored form must itself be valid JSON */
        json_t *again = text ? json_loads(text, 0, NULL) : NULL;
        if (text && !again)
            abort();
        json_decref(again);
        free(text);
        order_input_free(&in);
    }
    json_decref(doc);
    return 0;
}
