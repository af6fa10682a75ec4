# gdb_e2e.gdb — the GDB side of gdb_e2e.sh: one session through `tether gdbserver`.
# Each step echoes a marker so the shell test can find its output.
set pagination off
set confirm off
echo ==RTCONN==\n
monitor status
break demo_leaf
continue
echo ==BT==\n
bt
echo ==ARG==\n
print v
echo ==RTA==\n
monitor status
echo ==NEXT==\n
next
echo ==RTB==\n
monitor status
echo ==LOCALS==\n
info locals
echo ==FINISH==\n
finish
echo ==STEP==\n
next
step
echo ==PRINT==\n
print demo_counter
set var demo_counter = 1000
continue
echo ==ARG2==\n
print v
echo ==XS==\n
x/s demo_message
echo ==STEPIN==\n
delete
break demo_middle
continue
step
echo ==FAULT==\n
delete
set var demo_fault_trigger = 1
continue
echo ==FAULTPC==\n
info symbol $pc
x/i $pc
echo ==MON==\n
monitor status
detach
echo ==END==\n
