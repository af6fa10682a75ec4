# broker_restart.gdb — GDB side of broker_restart.sh. The broker is killed (SIGKILL) and
# restarted between commands and while commands are in flight; every continue must run the
# app's loop exactly once (v = counter + 1), every command must answer.
# remotetimeout 60 (a command may wait out the broker's restart) is set by broker_restart.sh
# before it connects.
set pagination off
set confirm off
break demo_leaf
continue
set var demo_counter = 100
shell relay/tests/broker_restart_now.sh
continue
echo ==V1==\n
print v
shell relay/tests/broker_restart_now.sh
set var demo_counter = 200
shell relay/tests/broker_restart_now.sh
continue
echo ==V2==\n
print v
shell (sleep 0.2; relay/tests/broker_restart_now.sh) &
x/64xw $sp
info registers
continue
echo ==V3==\n
print v
shell (sleep 0.1; relay/tests/broker_restart_now.sh) &
continue
continue
continue
echo ==V4==\n
print v
echo ==XS==\n
x/s demo_message
detach
echo ==END==\n
