/* messages.h — encode and decode Tether v1 messages (proto/tether.proto) with exact lengths.
 *
 * Thin, checked wrappers over the nanopb codecs generated into build/gen: a decode consumes
 * the whole input or fails, so trailing bytes are an error ([MSG-002]); a Message whose body
 * is missing or unknown to this version is TT_ERR_MSG_UNSUPPORTED ([VER-004]). No malloc:
 * nanopb structs have static sizes. Depends on tether.pb.h and err.h. */
#ifndef TETHER_MESSAGES_H
#define TETHER_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "tether.pb.h"
#include "tether/err.h"

/* Any generated message type: fields is its nanopb descriptor (e.g. tether_v1_Message_fields).
 * Encode: TT_ERR_NO_SPACE if cap is too small, TT_ERR_MSG_ENCODE if the struct breaks a static
 * limit. Decode: TT_ERR_MSG_DECODE unless the bytes are exactly one valid encoding ([MSG-002]);
 * on failure *msg may be partly written — callers that must keep it decode into a copy, as
 * tt_msg_decode does. */
TT_MUST_CHECK tt_err tt_pb_encode(const pb_msgdesc_t *fields, const void *msg, uint8_t *out,
                                  size_t cap, size_t *outlen);
TT_MUST_CHECK tt_err tt_pb_decode(const pb_msgdesc_t *fields, const uint8_t *in, size_t len,
                                  void *msg);

/* The envelope message of every record: encode and decode also require a known body
 * (TT_ERR_MSG_UNSUPPORTED, [MSG-005]). tt_msg_decode leaves *m unchanged on any failure; it
 * decodes into a stack copy (sizeof(tether_v1_Message), about 1.2 KB — budget it in the
 * device's stack). */
TT_MUST_CHECK tt_err tt_msg_encode(const tether_v1_Message *m, uint8_t *out, size_t cap,
                                   size_t *outlen);
TT_MUST_CHECK tt_err tt_msg_decode(const uint8_t *in, size_t len, tether_v1_Message *m);

/* The request_id the answer to a DATA body carries when the body does not decode
 * ([MSG-015]): the last readable request_id among the top-level fields that are well formed
 * from the start of the body, or 0 when there is none or the body is an OtaChunk (a stream
 * message). Reads nothing beyond in[len). */
uint32_t tt_msg_reply_id(const uint8_t *in, size_t len);
/* The field number of the body of an undecodable Message whose top level is well formed
 * (the fault is inside that body: [LIM-003] lets a service answer with its own error), or
 * 0. */
uint32_t tt_msg_body_field(const uint8_t *in, size_t len);

#endif
