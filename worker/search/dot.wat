;; int8 dot products with WebAssembly SIMD: the inner loop of the search index.
;; Vectors are rows of `dims` bytes (a multiple of 16, zero-padded), so each step multiplies 16 pairs:
;; sign-extend to i16, then i32x4.dot_i16x8_s adds neighbouring products into four i32 lanes.
;; Rebuild dot.wasm after editing: node worker/search/build-dot.mjs (needs `npx -y wabt@1.0.39`).
(module
  (memory (export "memory") 1)

  (func $dot (param $a i32) (param $b i32) (param $dims i32) (result i32)
    (local $j i32) (local $acc v128) (local $x v128) (local $y v128)
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $j) (local.get $dims)))
        (local.set $x (v128.load (i32.add (local.get $a) (local.get $j))))
        (local.set $y (v128.load (i32.add (local.get $b) (local.get $j))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (i16x8.extend_low_i8x16_s (local.get $y)))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (i16x8.extend_high_i8x16_s (local.get $y)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; out[i] = dot(q, rows + i * dims) for i in [0, n)
  (func (export "dotAll") (param $q i32) (param $rows i32) (param $n i32) (param $dims i32) (param $out i32)
    (local $i i32)
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (call $dot (local.get $q) (i32.add (local.get $rows) (i32.mul (local.get $i) (local.get $dims))) (local.get $dims)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; out[k] = dot(q, rows + slots[k] * dims) for k in [0, count): filtered queries and duplicate buckets
  (func (export "dotSome") (param $q i32) (param $rows i32) (param $slots i32) (param $count i32) (param $dims i32) (param $out i32)
    (local $k i32) (local $at i32)
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $at (i32.shl (local.get $k) (i32.const 2)))
        (i32.store (i32.add (local.get $out) (local.get $at))
          (call $dot (local.get $q)
            (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $slots) (local.get $at))) (local.get $dims)))
            (local.get $dims)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))
)
