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

/** Sum of `taps` source bytes times weights, still as four partial sums (one i32x4). */
static inline v128_t lz_dotv(const uint8_t* s, const int16_t* w, int taps) {
  v128_t acc = wasm_i32x4_dot_i16x8(wasm_u16x8_load8x8(s), wasm_v128_load(w));
  for (int k = 8; k < taps; k += 8) acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_u16x8_load8x8(s + k), wasm_v128_load(w + k)));
  return acc;
}

/**
 * A whole row: `count` outputs of a row of `n` bytes. Four outputs at a time inside the row (their partial
 * sums transposed and added in registers, then rounded, shifted and saturated to bytes — the same result
 * as lz_sample, which does the edges).
 */
static inline void lz_row(const uint8_t* s, int n, const Coeffs* c, uint8_t* out, int count) {
  const int taps = c->taps;
  const v128_t round = wasm_i32x4_splat(1 << (LZ_FIX - 1));
  int x = 0;
  while (x < count) {
    if (x + 4 <= count && c->left[x] >= 0 && c->left[x + 3] + taps <= n) {
      const int16_t* w = c->w + x * taps;
      v128_t d0 = lz_dotv(s + c->left[x], w, taps), d1 = lz_dotv(s + c->left[x + 1], w + taps, taps);
      v128_t d2 = lz_dotv(s + c->left[x + 2], w + 2 * taps, taps), d3 = lz_dotv(s + c->left[x + 3], w + 3 * taps, taps);
      v128_t t01 = wasm_i32x4_add(wasm_i32x4_shuffle(d0, d1, 0, 4, 1, 5), wasm_i32x4_shuffle(d0, d1, 2, 6, 3, 7));
      v128_t t23 = wasm_i32x4_add(wasm_i32x4_shuffle(d2, d3, 0, 4, 1, 5), wasm_i32x4_shuffle(d2, d3, 2, 6, 3, 7));
      v128_t sum = wasm_i32x4_add(wasm_i32x4_shuffle(t01, t23, 0, 1, 4, 5), wasm_i32x4_shuffle(t01, t23, 2, 3, 6, 7));
      sum = wasm_i32x4_shr(wasm_i32x4_add(sum, round), LZ_FIX);
      v128_t h = wasm_i16x8_narrow_i32x4(sum, sum);
      wasm_v128_store32_lane(out + x, wasm_u8x16_narrow_i16x8(h, h), 0);
      x += 4;
    } else {
      out[x] = lz_sample(s, n, c, x);
      x++;
    }
  }
}

/**
 * One output row of the vertical pass: n bytes, each the weighted sum of the same column in `taps` source
 * rows (taps is even: the weights are padded to a multiple of 8). Two rows at a time: their bytes
 * interleaved as i16 pairs, one i32x4 dot product with the weight pair per four pixels; the sums stay in
 * registers. Same rounding and clamping as lz_sample.
 */
static inline void lz_vrow(const uint8_t* const* rows, const int16_t* w, int taps, uint8_t* d, int n) {
  const v128_t round = wasm_i32x4_splat(1 << (LZ_FIX - 1));
  int x = 0;
  for (; x + 8 <= n; x += 8) {
    v128_t lo = round, hi = round;
    for (int k = 0; k < taps; k += 2) {
      if (!w[k] && !w[k + 1]) continue;
      v128_t a = wasm_u16x8_load8x8(rows[k] + x), b = wasm_u16x8_load8x8(rows[k + 1] + x);
      v128_t wk = wasm_i32x4_splat((int32_t)((uint32_t)(uint16_t)w[k] | (uint32_t)(uint16_t)w[k + 1] << 16));
      lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11), wk));
      hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15), wk));
    }
    v128_t h = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(lo, LZ_FIX), wasm_i32x4_shr(hi, LZ_FIX));
    wasm_v128_store64_lane(d + x, wasm_u8x16_narrow_i16x8(h, h), 0);
  }
  for (; x < n; x++) {
    int a = 1 << (LZ_FIX - 1);
    for (int k = 0; k < taps; k++) a += w[k] * rows[k][x];
    d[x] = lz_clamp8(a >> LZ_FIX);
  }
}
#endif
