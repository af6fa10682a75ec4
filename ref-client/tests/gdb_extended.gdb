# gdb_extended.gdb — the CLI session of gdb_extended.sh (extended-remote, docs/tether.gdbinit
# sourced first). Each step echoes a marker so the shell test can find its output.
set pagination off
set confirm off
echo ==WATCH==\n
watch demo_point.x
continue
echo ==WSTATUS==\n
monitor status
delete
echo ==STARTI==\n
starti
info registers pc
echo ==KILL==\n
kill
echo ==STARTI2==\n
starti
info registers pc
echo ==RESET==\n
break demo_leaf
continue
delete
monitor reset
info registers pc
echo ==BOGUS==\n
monitor bogus
echo ==HELP==\n
monitor help
echo ==STATUS==\n
monitor status
detach
echo ==END==\n
