/* dt_image.h: structural checks of a core image before any runtime sees it (CORE_UPLOAD and the
 * stored core): the WASM magic and version 1, well-formed sections in order, no import entries
 * (the core must import nothing; WASM3 0.5.0 would only fail at the first call), at most one
 * memory of at most one page. Walks section headers only; the runtime validates the code. */
#ifndef DT_IMAGE_H
#define DT_IMAGE_H

#include <stdint.h>

/* 0 when the image passes, else a negative code below. */
int dt_image_check(const uint8_t *p, uint32_t n);

#define DT_IMAGE_E_HEADER (-1)   /* not "\0asm" version 1 */
#define DT_IMAGE_E_SECTION (-2)  /* a section runs past the end, bad LEB128 or out of order */
#define DT_IMAGE_E_IMPORTS (-3)  /* the import section has entries */
/* The largest maximum memory an image may declare (pages of 64 KiB): the core's (asconfig.json). */
#define DT_IMAGE_MAX_PAGES 4u
#define DT_IMAGE_E_MEMORY (-4)   /* more than one memory, more than one initial page, or a maximum over DT_IMAGE_MAX_PAGES */

#endif /* DT_IMAGE_H */
