# lib/session — handshake packets, records and reliability glued into one session engine.
LIB_CORE_SRCS += lib/session/handshake.c lib/session/transport.c
