# foil: a setuid / user-namespace sandbox helper, and seccomp-compile.
#
#   make                  builds both programs
#   make install          installs them (foil mode 0755); PREFIX, DESTDIR
#   make install INSTALL_SETUID=1
#                         installs foil setuid root (mode 4755, must run as root)
#   make check            runs every test that needs no root; as root, also the
#                         three-mode integration run (as `make check-root`)
#   make check-root       the three-mode integration run alone (root only): a
#                         throw-away user with a setuid-root copy of foil, the
#                         same user with user namespaces, and root
#   make check FOIL_TEST_UNPRIVILEGED_ONLY=1
#                         as root too, only the tests that need no root: no
#                         user is created, nothing mounted, no setuid copy made
#                         (for a package build chroot)
#
# Knobs (all optional; CC, CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG are honoured):
#   WERROR=1              warnings are errors (CI builds this way)
#   STATIC=0              link foil dynamically (default 1: static-pie, see
#                         FOIL_LDFLAGS below); FOIL_LDFLAGS=... replaces its
#                         link flags altogether
#   HARDEN_CFLAGS=...     default -fstack-protector-strong -fPIE
#   HARDEN_LDFLAGS=...    default -pie -Wl,-z,relro,-z,now
#   -D_FORTIFY_SOURCE=2 is added only when CFLAGS and CPPFLAGS do not mention
#   _FORTIFY_SOURCE, so a distribution's own level (e.g. 3) is used as it is.

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wformat=2
ifeq ($(WERROR),1)
WARN     += -Werror
endif
HARDEN_CFLAGS  ?= -fstack-protector-strong -fPIE
HARDEN_LDFLAGS ?= -pie -Wl,-z,relro,-z,now
# -U first: some compilers (Ubuntu's gcc) predefine _FORTIFY_SOURCE.
FORTIFY_CPPFLAGS := $(if $(findstring _FORTIFY_SOURCE,$(CFLAGS) $(CPPFLAGS)),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(HARDEN_CFLAGS) $(FORTIFY_CPPFLAGS)
BASE_LDFLAGS := $(HARDEN_LDFLAGS)
PKG_CONFIG ?= pkg-config

FOIL_SRCS := sandbox.c callerns.c namespaces.c cmdline.c optvalues.c monitor.c lockdown.c sources.c bind-mount.c overlay.c \
             utils.c privileged.c landlock.c cgroup.c
FOIL_HDRS := foil.h callerns.h namespaces.h cmdline.h optvalues.h report.h lockdown.h sources.h bind-mount.h overlay.h \
             utils.h privileged.h landlock.h cgroup.h

all: foil seccomp-compile

# foil is linked statically (libc only) by default: no dynamic loader work on
# every start, which is a fifth of a sandbox's start-up time (bench/RESULTS.md).
# STATIC=0 links it like any other program (a distribution may prefer that, so
# that a libc update reaches foil too).
# Sanitizer builds: make FOIL_LDFLAGS= CFLAGS="-g -fsanitize=address,undefined"
STATIC ?= 1
ifeq ($(STATIC),0)
FOIL_LDFLAGS ?= $(HARDEN_LDFLAGS)
else
FOIL_LDFLAGS ?= -static-pie $(filter-out -pie,$(HARDEN_LDFLAGS))
endif

foil: $(FOIL_SRCS) $(FOIL_HDRS)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(CPPFLAGS) -o $@ $(FOIL_SRCS) $(FOIL_LDFLAGS) $(LDFLAGS)

# --- tests ------------------------------------------------------------------
# Before seccomp-compile's build file: its tests link the helpers in
# tests/lib, which tests/tests.mk lists.
include tests/tests.mk

# --- seccomp-compile (links libseccomp and json-c) -------------------------
include seccomp-compile/build.mk

# --- shell completions ------------------------------------------------------
include completions/completions.mk

# foil is installed setuid root only on request: a package usually sets the
# mode itself (dpkg-statoverride, %attr), and without it foil runs wherever
# unprivileged user namespaces are allowed.
# The check is made before anything is built or installed.
INSTALL_SETUID ?= 0
ifeq ($(INSTALL_SETUID)$(filter install,$(MAKECMDGOALS)),1install)
ifneq ($(shell id -u),0)
$(error make install INSTALL_SETUID=1 must run as root, to install foil setuid root (without INSTALL_SETUID=1 foil is installed mode 0755))
endif
endif

install: all install-completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
ifeq ($(INSTALL_SETUID),1)
	install -m 4755 -o root -g root foil $(DESTDIR)$(BINDIR)/foil
else
	install -m 0755 foil $(DESTDIR)$(BINDIR)/foil
endif
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
