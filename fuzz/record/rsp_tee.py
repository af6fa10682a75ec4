#!/usr/bin/python3
"""rsp_tee.py — a TCP relay between GDB and a GDB server that records what GDB sends.

Usage: rsp_tee.py SERVER_PORT OUTFILE   (prints "port N" once listening on 127.0.0.1:N)
One connection; the bytes GDB sends are written to OUTFILE as they pass, so the file is a
real GDB session's input, ready to become a seed of the rsp fuzz harness."""
import select
import socket
import sys


def main():
    server_port, out_path = int(sys.argv[1]), sys.argv[2]
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    print("port", lst.getsockname()[1], flush=True)
    gdb, _ = lst.accept()
    srv = socket.create_connection(("127.0.0.1", server_port))
    with open(out_path, "wb") as out:
        peers = {gdb: srv, srv: gdb}
        while True:
            ready, _, _ = select.select(list(peers), [], [], 60)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                if s is gdb:
                    out.write(data)
                    out.flush()
                peers[s].sendall(data)


if __name__ == "__main__":
    main()
