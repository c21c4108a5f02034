// Lanczos-3 weights and the one-sample dot product, shared by the cascade (resample.c) and the streaming
// row scaler that shrinks PNG/TIFF rows as they are decoded (rescale.c).
#ifndef DARKROOM_LANCZOS_H
#define DARKROOM_LANCZOS_H
#include <stdint.h>

#include <wasm_simd128.h>

#define LZ_FIX 14 // weights are fixed point: they sum to 1 << LZ_FIX

typedef struct {
  int taps;   // weights per output, padded with zeros to a multiple of 8: whole i16x8 dot products cover them
  int* left;  // first source index of each output (may be < 0 or run past the edge: clamped there)
  int16_t* w; // dst * taps weights
} Coeffs;

int lz_coeffs(int src, int dst, Coeffs* c);
void lz_free(Coeffs* c);

static inline int lz_index(int j, int n) { return j < 0 ? 0 : j >= n ? n - 1 : j; }
static inline uint8_t lz_clamp8(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/** Sum of 8 source bytes times 8 weights: one i32x4 dot product of i16x8 lanes. */
static inline int lz_dot8(const uint8_t* s, const int16_t* w) {
  v128_t d = wasm_i32x4_dot_i16x8(wasm_u16x8_load8x8(s), wasm_v128_load(w));
  return wasm_i32x4_extract_lane(d, 0) + wasm_i32x4_extract_lane(d, 1) + wasm_i32x4_extract_lane(d, 2) +
         wasm_i32x4_extract_lane(d, 3);
}

/** Output sample `x` of a row of `n` bytes (rounded, clamped): SIMD inside the row, clamped at its edges. */
static inline uint8_t lz_sample(const uint8_t* s, int n, const Coeffs* c, int x) {
  const int16_t* w = c->w + x * c->taps;
  int l = c->left[x], a = 1 << (LZ_FIX - 1);
  if (l >= 0 && l + c->taps <= n) {
    for (int k = 0; k < c->taps; k += 8) a += lz_dot8(s + l + k, w + k);
  } else {
    for (int k = 0; k < c->taps; k++) a += w[k] * s[lz_index(l + k, n)];
  }
  return lz_clamp8(a >> LZ_FIX);
}
#endif
