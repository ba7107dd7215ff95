/* The dashboard's stages: which timeline event ends which stage, where it started, review
 * outcomes, and the percentile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/work_stages.h"

static void events_end_their_stages(void **state) {
    (void)state;
    assert_int_equal(work_stage_ended_by("status", "pending_review", "approved"), STAGE_REVIEW);
    assert_int_equal(work_stage_ended_by("status", "approved", "picking"), STAGE_ALLOCATION);
    assert_int_equal(work_stage_ended_by("picked", "", ""), STAGE_PICKING);
    assert_int_equal(work_stage_ended_by("status", "picking", "packed"), STAGE_PACKING);
    assert_int_equal(work_stage_ended_by("status", "packed", "shipped"), STAGE_SHIPPING);
    assert_int_equal(work_stage_ended_by("status", "packed", "partially_shipped"), STAGE_SHIPPING);
    assert_int_equal(work_stage_ended_by("status", "out_for_delivery", "delivered"),
                     STAGE_DELIVERY);
    /* Moves that end no stage. */
    assert_int_equal(work_stage_ended_by("status", "pending_payment", "pending_review"), -1);
    assert_int_equal(work_stage_ended_by("status", "partially_shipped", "picking"), -1);
    assert_int_equal(work_stage_ended_by("status", "pending_review", "cancelled"), -1);
    assert_int_equal(work_stage_ended_by("stock", "", ""), -1);
    assert_int_equal(work_stage_ended_by("created", "", "approved"), -1);
}

static void each_stage_has_a_start_and_an_sla(void **state) {
    (void)state;
    const char *status, *note;
    work_stage_start(STAGE_PACKING, &status, &note);
    assert_null(status);
    assert_string_equal(note, "picked");
    work_stage_start(STAGE_DELIVERY, &status, &note);
    assert_string_equal(status, "shipped");
    assert_null(note);
    for (int st = 0; st < STAGE__COUNT; st++) {
        work_stage_start((work_stage_t)st, &status, &note);
        assert_true((status != NULL) != (note != NULL));
        assert_true(work_stage_default_sla_s((work_stage_t)st) > 0);
    }
    assert_string_equal(work_stage_name(STAGE_ALLOCATION), "allocation");
}

static void review_outcomes(void **state) {
    (void)state;
    assert_int_equal(work_review_outcome("status", "pending_review", "approved", ""), 1);
    assert_int_equal(work_review_outcome("status", "pending_review", "cancelled", "rejected: 刷单"),
                     -1);
    /* A cancellation during review that is not a reviewer's rejection is neither. */
    assert_int_equal(work_review_outcome("status", "pending_review", "cancelled", "buyer asked"),
                     0);
    assert_int_equal(work_review_outcome("status", "approved", "cancelled", "rejected: x"), 0);
}

static void percentile_by_nearest_rank(void **state) {
    (void)state;
    int64_t none[1] = {0};
    assert_int_equal(work_percentile(none, 0, 90), 0);
    int64_t one[] = {7};
    assert_int_equal(work_percentile(one, 1, 90), 7);
    int64_t ten[] = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
    assert_int_equal(work_percentile(ten, 10, 90), 9);
    assert_int_equal(work_percentile(ten, 10, 100), 10);
    assert_int_equal(work_percentile(ten, 10, 50), 5);
    int64_t three[] = {300, 100, 200};
    assert_int_equal(work_percentile(three, 3, 90), 300);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_end_their_stages),
        cmocka_unit_test(each_stage_has_a_start_and_an_sla),
        cmocka_unit_test(review_outcomes),
        cmocka_unit_test(percentile_by_nearest_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
