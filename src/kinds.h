/* Event kinds in words, for the people who read what was recorded (the console, notices). */
#ifndef CUSTODY_KINDS_H
#define CUSTODY_KINDS_H

/* The translated name of an event kind ("search.recorded" -> "body search"), or the kind. */
const char *kind_label(const char *kind);

#endif
