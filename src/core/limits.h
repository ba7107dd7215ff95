#ifndef ORDO_CORE_LIMITS_H
#define ORDO_CORE_LIMITS_H

/* Every limit ordo enforces, with the reason for its value. */

/* A canonical order with 100 lines and long remarks stays under 64 KiB; 1 MiB leaves room for
 * bulk endpoints while keeping a hostile client from holding much memory per connection. */
#define ORDO_BODY_MAX_BYTES (1024 * 1024)

/* Real carts rarely exceed a few dozen lines; a cap keeps one order's transaction bounded. */
#define ORDO_ORDER_LINES_MAX 100

/* Per-line quantity cap: above this a line is almost always a typo or an abuse (a buyer who
 * wants 10,000 units is a B2B deal, not a shop order). */
#define ORDO_LINE_QTY_MAX 999

#define ORDO_DISCOUNTS_MAX 20

/* 1e12 fen = 10 billion yuan: far above any real order, far below int64 overflow when summed
 * over ORDO_ORDER_LINES_MAX lines times ORDO_LINE_QTY_MAX. */
#define ORDO_MONEY_MAX_FEN 1000000000000LL

/* Identifier lengths (bytes): SKU and warehouse codes are keys in URLs and indexes. */
#define ORDO_CODE_MAX 64
#define ORDO_EXTERNAL_ID_MAX 64
#define ORDO_NAME_MAX 100
#define ORDO_ADDRESS_DETAIL_MAX 200
#define ORDO_REMARK_MAX 1000
#define ORDO_REASON_MAX 500

/* Group commit: commands per transaction. Larger batches amortise the fsync further but delay
 * the first waiter; 512 keeps a batch's work well under a millisecond of CPU per 100 orders. */
#define ORDO_WRITER_BATCH_MAX 512

/* Commands waiting for the writer before new ones get 503: bounds memory and latency at peak. */
#define ORDO_WRITER_QUEUE_MAX 65536

/* List endpoints: default and maximum page size. */
#define ORDO_PAGE_DEFAULT 50
#define ORDO_PAGE_MAX 500

/* Changes in one edit of an order's lines: enough to remove every line and add as many. */
#define ORDO_LINE_CHANGES_MAX (2 * ORDO_ORDER_LINES_MAX)

/* Unpaid orders hold their stock this long unless configured otherwise. */
#define ORDO_PAYMENT_HOLD_DEFAULT_S 3600

/* A statement file the CLI reconciles is read whole: a busy merchant's day of Alipay trades is
 * tens of MiB. Over the API the body limit above applies. */
#define ORDO_STATEMENT_MAX_BYTES (256 * 1024 * 1024)
/* Live event streams open at once (503 beyond): each holds a connection and up to
 * ORDO_STREAM_BUFFER_BYTES of text its receiver has not taken yet. A receiver further behind
 * is served from the outbox at its own pace instead, so memory stays bounded. */
#define ORDO_STREAMS_MAX 64
#define ORDO_STREAM_BUFFER_BYTES (256 * 1024)
/* Idle streams get a comment this often: well inside common proxy idle timeouts (60 s) and
 * the server's own connection timeout, and it finds receivers that went away. */
#define ORDO_STREAM_KEEPALIVE_MS 15000
/* The kernel's send buffer for a stream's socket (instead of growing up to megabytes by
 * itself): bounds the memory a receiver that stopped reading holds in the kernel, and lets it
 * fall behind onto the outbox sooner. 256 KiB still carries about 5 MB/s at a 50 ms RTT. */
#define ORDO_STREAM_SOCKET_BUFFER_BYTES (256 * 1024)
/* The reconnection delay suggested to receivers. */
#define ORDO_STREAM_RETRY_MS 3000

#endif
