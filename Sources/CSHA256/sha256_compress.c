// The SHA-256 compression function, portable and with the x86 SHA extensions (SHA-NI).
//
// The replay digest hashes every canonical event byte, so the hash sits on the replay path; the
// SHA extensions run its rounds several times faster than plain code. Written from FIPS 180-4 and
// Intel's description of SHA256RNDS2 / SHA256MSG1 / SHA256MSG2.

#include "SHA256Compress.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotate_right(uint32_t value, unsigned count) {
    return (value >> count) | (value << (32 - count));
}

void tapedeck_sha256_compress_portable(uint32_t state[8], const unsigned char *blocks, size_t count) {
    uint32_t schedule[64];
    for (size_t block = 0; block < count; block++) {
        const unsigned char *bytes = blocks + block * 64;
        for (int t = 0; t < 16; t++) {
            schedule[t] = (uint32_t)bytes[4 * t] << 24 | (uint32_t)bytes[4 * t + 1] << 16
                | (uint32_t)bytes[4 * t + 2] << 8 | (uint32_t)bytes[4 * t + 3];
        }
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotate_right(schedule[t - 15], 7) ^ rotate_right(schedule[t - 15], 18) ^ (schedule[t - 15] >> 3);
            uint32_t s1 = rotate_right(schedule[t - 2], 17) ^ rotate_right(schedule[t - 2], 19) ^ (schedule[t - 2] >> 10);
            schedule[t] = schedule[t - 16] + s0 + schedule[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
            uint32_t choice = (e & f) ^ (~e & g);
            uint32_t temp1 = h + s1 + choice + round_constants[t] + schedule[t];
            uint32_t s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
            uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            h = g; g = f; f = e; e = d + temp1;
            d = c; c = b; b = a; a = temp1 + s0 + majority;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define SHA_ATTRIBUTES __attribute__((target("sha,sse4.1,ssse3")))

/// Four message words for rounds 4g..4g+3 from the sixteen before them (g ≥ 4):
/// W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], four at a time.
SHA_ATTRIBUTES static inline __m128i next_words(__m128i w16, __m128i w12, __m128i w8, __m128i w4) {
    __m128i partial = _mm_sha256msg1_epu32(w16, w12);               // W[t-16] + σ0(W[t-15])
    partial = _mm_add_epi32(partial, _mm_alignr_epi8(w4, w8, 4));  // + W[t-7]
    return _mm_sha256msg2_epu32(partial, w4);                      // + σ1(W[t-2]), in order
}

SHA_ATTRIBUTES static void compress_sha_ni(uint32_t state[8], const unsigned char *blocks, size_t count) {
    // Big-endian words from memory: swap the bytes of each 32-bit lane.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // SHA256RNDS2 keeps the state as {A, B, E, F} and {C, D, G, H} (most significant lane first).
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (size_t block = 0; block < count; block++) {
        const unsigned char *bytes = blocks + block * 64;
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i words[4];
        for (int group = 0; group < 16; group++) {
            __m128i w;
            if (group < 4) {
                w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 16 * group)), byte_swap);
            } else {
                w = next_words(words[group & 3], words[(group + 1) & 3], words[(group + 2) & 3], words[(group + 3) & 3]);
            }
            words[group & 3] = w;
            __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&round_constants[4 * group]));
            // Two rounds on the low two words, two on the high two: the old {A,B,E,F} becomes {C,D,G,H}.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

int tapedeck_sha256_accelerated(void) {
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
}

void tapedeck_sha256_compress(uint32_t state[8], const unsigned char *blocks, size_t count) {
    static int accelerated = -1;
    if (accelerated < 0) accelerated = tapedeck_sha256_accelerated();
    if (accelerated) {
        compress_sha_ni(state, blocks, count);
    } else {
        tapedeck_sha256_compress_portable(state, blocks, count);
    }
}

#else

int tapedeck_sha256_accelerated(void) { return 0; }

void tapedeck_sha256_compress(uint32_t state[8], const unsigned char *blocks, size_t count) {
    tapedeck_sha256_compress_portable(state, blocks, count);
}

#endif
