/* sources.h: host paths made canonical before the new root exists. */
#ifndef FOIL_SOURCES_H
#define FOIL_SOURCES_H

#include "foil.h"

/* Replace every bind source and overlay path of CFG by its canonical host
   path (dropping -try binds of missing sources); call before new_root_create(). */
void resolve_sources(struct config *cfg);

#endif
