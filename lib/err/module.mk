# lib/err — tt_err_name(), generated from err.h so names never drift from the enum.
$(GEN)/err_names.c: lib/include/tether/err.h tools/gen-err-names.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/gen-err-names.py $< $@
$(BUILD)/host/gen/err_names.o: $(GEN)/err_names.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
$(BUILD)/bench/gen/err_names.o: $(GEN)/err_names.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BENCH_CFLAGS) -c $< -o $@
$(BUILD)/m33/gen/err_names.o: $(GEN)/err_names.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -c $< -o $@
LIB_GEN_OBJS_HOST += $(BUILD)/host/gen/err_names.o
