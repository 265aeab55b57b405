# foil: a setuid / user-namespace sandbox helper, and seccomp-compile.
# `make` builds both programs, `make check` runs every test (as root it also
# runs the unprivileged integration tests through a throw-away user).

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN     += -Werror
endif
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
BASE_LDFLAGS := -pie -Wl,-z,relro,-z,now
PKG_CONFIG ?= pkg-config

FOIL_SRCS := sandbox.c bind-mount.c utils.c privileged.c
FOIL_HDRS := foil.h bind-mount.h utils.h privileged.h

all: foil seccomp-compile

# foil is linked statically (libc only): no dynamic loader work on every
# start, which is a fifth of a sandbox's start-up time (bench/RESULTS.md).
# Sanitizer builds: make FOIL_LDFLAGS= CFLAGS="-g -fsanitize=address,undefined"
FOIL_LDFLAGS ?= -static-pie -Wl,-z,relro,-z,now

foil: $(FOIL_SRCS) $(FOIL_HDRS)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ $(FOIL_SRCS) $(FOIL_LDFLAGS) $(LDFLAGS)

# --- seccomp-compile (links libseccomp and json-c) -------------------------
include seccomp-compile/build.mk

# --- tests ------------------------------------------------------------------
include tests/tests.mk

# --- shell completions ------------------------------------------------------
include completions/completions.mk

install: all install-completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 4755 -o root -g root foil $(DESTDIR)$(BINDIR)/foil || \
	  { echo "make install: could not install foil setuid root (run as root)" >&2; exit 1; }
	install -m 0755 seccomp-compile/seccomp-compile $(DESTDIR)$(BINDIR)/seccomp-compile
	for m in man/*.1; do [ -f "$$m" ] && install -m 0644 "$$m" $(DESTDIR)$(MANDIR)/man1/; done; true

uninstall: uninstall-completions
	rm -f $(DESTDIR)$(BINDIR)/foil $(DESTDIR)$(BINDIR)/seccomp-compile
	cd man && for m in *.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done

bench: all
	bench/run

clean: tests-clean seccomp-clean
	rm -f foil *.o
	rm -rf bench/out

.PHONY: all install uninstall bench clean check
