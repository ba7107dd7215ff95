#ifndef ORDO_CORE_MAIL_MESSAGE_H
#define ORDO_CORE_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Internet mail as the SMTP sender hands it over: an RFC 5322 message with UTF-8 header text
 * in RFC 2047 encoded-words and a base64 UTF-8 plain-text body. Pure: the date is passed in.
 */

/* Whether s is a plausible mailbox address "local@domain": at most 254 bytes, a dot-atom
 * local part of at most 64 (RFC 5322 atext and single dots), a domain of at least two
 * LDH labels (letters, digits, hyphens; 1-63 each, no hyphen at either end). Quoted local
 * parts, address literals and comments are refused: no shop buyer has one, and every byte
 * of an address goes into an SMTP command. */
bool mail_address_valid(const char *s);

/* text as an unstructured header value: itself when it is short printable ASCII, else
 * RFC 2047 "=?UTF-8?B?…?=" words of whole UTF-8 characters, folded onto continuation lines
 * so no line passes 78 characters. A heap string the caller frees; NULL when out of memory. */
char *mail_header_text(const char *text);

typedef struct {
    const char *from;       /* address (mail_address_valid) */
    const char *from_name;  /* display name, UTF-8; NULL or "" for none */
    const char *to;         /* address */
    const char *subject;    /* UTF-8 */
    const char *body;       /* UTF-8 plain text; "\n" or "\r\n" line breaks */
    const char *message_id; /* "local@domain" without the angle brackets */
    int64_t date_ms;        /* shown in China Standard Time (+0800) */
} mail_t;

/* The whole message, CRLF line endings, ready for SMTP DATA: Date, From, To, Subject,
 * Message-ID, MIME-Version, Content-Type (text/plain; charset=UTF-8), Content-Transfer-
 * Encoding (base64, lines of 76). A heap string the caller frees (*len_out, may be NULL, gets
 * its length); NULL when out of memory. */
char *mail_message_build(const mail_t *m, size_t *len_out);

/* The RFC 5322 date of a UTC instant in China Standard Time, "Wed, 11 Nov 2026 00:00:01
 * +0800", into buf (at least 32 bytes). Returns buf. */
char *mail_date(int64_t ms, char *buf, size_t len);

#endif
