# tether.gdbinit — GDB settings for a Tether device behind `tether gdbserver`
# (docs/vscode.md). Load it with `gdb -x docs/tether.gdbinit`, `source` it from your
# ~/.gdbinit or the project's .gdbinit, or list it in Cortex-Debug's launch.json
# ("postAttachCommands": ["source docs/tether.gdbinit"]).

# The link may cross continents: GDB's default 2 s would give up on a healthy but slow link.
set remotetimeout 30

# The device's watchpoints (Limits of its hello; QEMU's an505 and the reference supervisor:
# 4 write watchpoints of up to 8 bytes, no read/access ones). GDB then asks the device for
# `watch` (one round trip to the trigger) and watches larger or extra expressions in
# software itself (one round trip per instruction).
set remote hardware-watchpoint-limit 4
set remote hardware-watchpoint-length-limit 8

# `monitor reset` restarts the app behind GDB's back: re-read the registers after every
# monitor command so the register view, `bt` and `info registers` show the reset state
# (GDB 13 deprecates `flushregs`; this is its replacement, run automatically).
define hookpost-monitor
  maintenance flush register-cache
end
