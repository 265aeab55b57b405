# Shell completions, included by the top Makefile (which defines PREFIX
# and DESTDIR).
#   make install-completions    installs the bash and zsh completions
#   make check-completions      tests them (zsh parts are skipped without zsh)

BASHCOMPDIR     ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR      ?= $(PREFIX)/share/zsh/vendor-completions

install-completions:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 completions/bash/foil $(DESTDIR)$(BASHCOMPDIR)/foil
	install -m 0644 completions/zsh/_foil $(DESTDIR)$(ZSHCOMPDIR)/_foil

uninstall-completions:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/foil $(DESTDIR)$(ZSHCOMPDIR)/_foil

check-completions: foil
	bash tests/completions.sh

.PHONY: install-completions uninstall-completions check-completions
