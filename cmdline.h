/* cmdline.h: the command line, parsed into the model of foil.h. */
#ifndef FOIL_CMDLINE_H
#define FOIL_CMDLINE_H

#include <stdio.h>
#include "foil.h"

/* An empty config for a process started in MODE by the caller UID/GID. */
void config_init(struct config *cfg, enum run_mode mode, uid_t uid, gid_t gid);
/* Parses argv (without argv[0]) into cfg; dies with a message on bad input. */
void parse_args(struct config *cfg, int argc, char **argv);
/* Refuses combinations of options that cannot work together. */
void validate_config(struct config *cfg);

/* --help and --version output. */
void print_usage(FILE *out);
void print_version(void);

#endif
