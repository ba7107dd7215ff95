#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "svc/sellable_cache.h"

/* A catalog of two SKUs behind a store that counts how often it is asked. */
static int asked, a_sellable = 1;

static int fake_sku_sellable(store_t *s, const char *sku, int *sellable) {
    (void)s;
    asked++;
    if (strcmp(sku, "A") == 0) {
        *sellable = a_sellable;
        return STORE_OK;
    }
    if (strcmp(sku, "OFF") == 0) {
        *sellable = 0;
        return STORE_OK;
    }
    return STORE_NOT_FOUND;
}

static const store_vtable_t fake_vt = {.sku_sellable = fake_sku_sellable};
static store_t fake = {.vt = &fake_vt};

static void answers_from_memory_until_the_catalog_changes(void **state) {
    (void)state;
    asked = 0;
    a_sellable = 1;
    sellable_cache_t *c = sellable_cache_new();
    int sellable = -1;
    assert_int_equal(sellable_cache_get(c, &fake, "A", &sellable), STORE_OK);
    assert_int_equal(sellable, 1);
    assert_int_equal(sellable_cache_get(c, &fake, "A", &sellable), STORE_OK);
    assert_int_equal(sellable, 1);
    assert_int_equal(asked, 1);

    /* Unknown and unsellable SKUs are remembered as such. */
    assert_int_equal(sellable_cache_get(c, &fake, "NOPE", &sellable), STORE_NOT_FOUND);
    assert_int_equal(sellable_cache_get(c, &fake, "NOPE", &sellable), STORE_NOT_FOUND);
    assert_int_equal(sellable_cache_get(c, &fake, "OFF", &sellable), STORE_OK);
    assert_int_equal(sellable_cache_get(c, &fake, "OFF", &sellable), STORE_OK);
    assert_int_equal(sellable, 0);
    assert_int_equal(asked, 3);

    /* A catalog write: the next answer is the database's again. */
    a_sellable = 0;
    sellable_cache_forget(c);
    assert_int_equal(sellable_cache_get(c, &fake, "A", &sellable), STORE_OK);
    assert_int_equal(sellable, 0);
    assert_int_equal(asked, 4);
    sellable_cache_free(c);
}

static void without_a_cache_every_answer_is_the_databases(void **state) {
    (void)state;
    asked = 0;
    int sellable = -1;
    assert_int_equal(sellable_cache_get(NULL, &fake, "A", &sellable), STORE_OK);
    assert_int_equal(sellable_cache_get(NULL, &fake, "A", &sellable), STORE_OK);
    assert_int_equal(asked, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_from_memory_until_the_catalog_changes),
        cmocka_unit_test(without_a_cache_every_answer_is_the_databases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
