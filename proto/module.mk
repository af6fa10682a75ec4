# proto/ — message schemas; generated C codecs land in $(GEN). (Filled by the proto work.)
PROTO_SRCS :=
