/*
 * decl.h - the rows of the plugins' type and facet tables that mean the same
 * thing in every plugin that declares them.  A facet key is a query filter
 * across types (theme: finds notes and legal texts alike), so a shared key
 * is written once, here, with its one label and kind.  A facet that only
 * shares its key (partenariat's annee is a start year) stays in its plugin.
 *
 * Header only: it must never hold code, only initializers.
 */
#ifndef PLUGIN_DECL_H
#define PLUGIN_DECL_H

#include "savoir/plugin.h"

#define FACET_ANNEE	{ "annee", "Année", SAVOIR_FACET_YEAR }
/* Text: one value a document, the article number. */
#define FACET_ARTICLE	{ "article", "Article", SAVOIR_FACET_TEXT }
#define FACET_AUTEUR	{ "auteur", "Auteur", SAVOIR_FACET_KEYWORD }
#define FACET_CODE	{ "code", "Code", SAVOIR_FACET_KEYWORD }
#define FACET_ETAT	{ "etat", "État", SAVOIR_FACET_KEYWORD }
#define FACET_MODULE	{ "module", "Module", SAVOIR_FACET_KEYWORD }
#define FACET_PAYS	{ "pays", "Pays", SAVOIR_FACET_KEYWORD }
#define FACET_THEME	{ "theme", "Thème", SAVOIR_FACET_KEYWORD }

/* The rows that end a facet table and a type table. */
#define FACET_END	{ NULL, NULL, 0 }
#define TYPE_END	{ NULL, NULL, NULL, NULL }

#endif /* PLUGIN_DECL_H */
