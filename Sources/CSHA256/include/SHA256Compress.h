#ifndef TAPEDECK_SHA256_COMPRESS_H
#define TAPEDECK_SHA256_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

/// Runs the SHA-256 compression function (FIPS 180-4, 6.2.2) over `count` 64-byte blocks,
/// updating `state` (the eight working words). Padding is the caller's business. Uses the CPU's
/// SHA extensions where it has them, the portable rounds otherwise; both give the same state.
void tapedeck_sha256_compress(uint32_t state[8], const unsigned char *blocks, size_t count);

/// The portable rounds alone (tests compare them with the accelerated ones).
void tapedeck_sha256_compress_portable(uint32_t state[8], const unsigned char *blocks, size_t count);

/// 1 when tapedeck_sha256_compress uses the SHA extensions on this CPU, else 0.
int tapedeck_sha256_accelerated(void);

#endif
