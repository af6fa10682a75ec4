# lib/msg — exact-length encode/decode of the generated nanopb messages.
LIB_CORE_SRCS += lib/msg/messages.c
LIB_GEN_OBJS_HOST += $(PROTO_HOST_OBJ)
