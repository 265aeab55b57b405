# seccomp-compile build rules (filled in by the seccomp-compile work)
seccomp-compile:
	@echo "seccomp-compile: not built yet"
seccomp-clean:
.PHONY: seccomp-clean
