/* msgfill.h — fills a generated nanopb struct with its largest values (test and bench only).
 *
 * Every byte string and string at its max_size, every repeated field at its max_count, every
 * integer and enum all ones (the longest varint; nanopb stores our enums, whose values are
 * all non-negative, as unsigned, and a decoder accepts any value), bools true, the first
 * member of each oneof not already chosen. The result is the largest encoding a decoder
 * accepts — slightly above nanopb's *_size bounds for messages with enums, which assume
 * declared values — and is how test_messages shows every Message fits TT_MESSAGE_MAX_LEN
 * ([MSG-003]) and how bench_messages reports exact maxima. Header-only; depends on nanopb. */
#ifndef TETHER_TESTS_MSGFILL_H
#define TETHER_TESTS_MSGFILL_H

#include <pb_common.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Returns false if the struct has a field type this schema does not use. To fill one body of
 * a oneof, set its which_ member to that tag first. */
static inline bool msgfill_max(const pb_msgdesc_t *d, void *msg)
{
    pb_field_iter_t it;
    if (!pb_field_iter_begin(&it, d, msg))
        return true; /* no fields */
    do {
        pb_type_t ht = PB_HTYPE(it.type), lt = PB_LTYPE(it.type);
        size_t count = 1;
        if (ht == PB_HTYPE_ONEOF) {
            pb_size_t *which = it.pSize;
            if (*which != 0 && *which != it.tag)
                continue;
            *which = it.tag;
        } else if (ht == PB_HTYPE_REPEATED) {
            *(pb_size_t *)it.pSize = it.array_size;
            count = it.array_size;
        } else if (ht == PB_HTYPE_OPTIONAL && it.pSize != NULL) {
            *(bool *)it.pSize = true;
        }
        for (size_t k = 0; k < count; k++) {
            unsigned char *p = (unsigned char *)it.pData + k * it.data_size;
            switch (lt) {
            case PB_LTYPE_BOOL:
                *(bool *)p = true;
                break;
            case PB_LTYPE_VARINT: /* signed: -1 is the 10-byte varint */
            case PB_LTYPE_UVARINT:
                memset(p, 0xFF, it.data_size);
                break;
            case PB_LTYPE_BYTES: {
                pb_bytes_array_t *ba = (pb_bytes_array_t *)p;
                ba->size = (pb_size_t)(it.data_size - offsetof(pb_bytes_array_t, bytes));
                memset(ba->bytes, 0xFF, ba->size);
                break;
            }
            case PB_LTYPE_STRING:
                memset(p, 'x', it.data_size - 1u);
                p[it.data_size - 1u] = '\0';
                break;
            case PB_LTYPE_FIXED_LENGTH_BYTES:
                memset(p, 0xFF, it.data_size);
                break;
            case PB_LTYPE_SUBMESSAGE:
                if (!msgfill_max(it.submsg_desc, p))
                    return false;
                break;
            default:
                return false;
            }
        }
    } while (pb_field_iter_next(&it));
    return true;
}

#endif
