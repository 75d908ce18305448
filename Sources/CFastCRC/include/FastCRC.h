#ifndef TAPEDECK_FAST_CRC_H
#define TAPEDECK_FAST_CRC_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU can run tapedeck_crc32_fold (x86-64 with PCLMULQDQ and SSE4.1), else 0.
int tapedeck_crc32_fold_available(void);

/// Continues a CRC-32 (the gzip polynomial, as zlib's crc32 computes it: pre- and post-inverted)
/// over `length` bytes with carry-less multiplication. `length` must be at least 64 and a
/// multiple of 16; call only when tapedeck_crc32_fold_available() returns 1.
uint32_t tapedeck_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length);

#endif
