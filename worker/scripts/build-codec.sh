#!/usr/bin/env bash
# Builds worker/engine/codec/codec.{wasm,mjs} (our image codec: libjpeg-turbo, libspng/zlib, libwebp, libtiff)
# from Debian bookworm sources with Debian's emscripten. Reproducible: every source package is pinned to
# an exact Debian version and checked against the sha256 recorded below; dpkg-source then checks the
# tarballs against the checksums inside the verified .dsc and applies Debian's patches.
#
# One-time apt steps (as root):
#   printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > /etc/apt/sources.list.d/darkroom-src.sources
#   apt-get update && apt-get install -y emscripten=3.1.6~dfsg-5 dpkg-dev
# Then: npm run build:codec   (JOBS=2 by default; CODEC_BUILD_DIR=/tmp/darkroom-codec-build)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/worker/engine/codec"
SRC_C="$OUT/src"
BUILD="${CODEC_BUILD_DIR:-/tmp/darkroom-codec-build}"
JOBS="${JOBS:-2}"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}" # Debian's emcc needs acorn from here

EMSCRIPTEN_VERSION="3.1.6~dfsg-5"
# package=debian-version  sha256 of the .dsc (the .dsc lists the checksums of its tarballs)
PACKAGES=(
  "libjpeg-turbo=1:2.1.5-2 d718ead0dfbcbc8523665c02a7f7152e31039ded641d022868722623bb3b486d"
  "libwebp=1.2.4-0.2+deb12u1 d9ed0b59e2010f255c28d0869fd15b31f9b08aed757bfc91862d43aa9ec1aa99"
  "libspng=0.7.3-3 05f324accbf40d02f4d284047b9fb792e03481ede86c1425af01e4656c475028"
  "zlib=1:1.2.13.dfsg-1 3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8"
  "tiff=4.5.0-6+deb12u4 b32082304d725936078d687303fcf771c9ecf738b505f9a66a29e8ba282c8615"
  "dav1d=1.0.0-2+deb12u1 590dba7fc0ce89cac8bdfbd2cd54594d65dff8b0b4becad1f558e033dd506cb4"
)
# For the record (dpkg-source verifies these through the .dsc):
#   libjpeg-turbo_2.1.5.orig.tar.gz        254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c
#   libjpeg-turbo_2.1.5-2.debian.tar.xz    cdb2433c2f7101345c1ffa14efb943787c675b86354691a32490845fe4bc9237
#   libwebp_1.2.4.orig.tar.gz              7bf5a8a28cc69bcfa8cb214f2c3095703c6b73ac5fba4d5480c205331d9494df
#   libwebp_1.2.4-0.2+deb12u1.debian.tar.xz 69cdba4dfe2e1b34d55fa80c1b29c31cacd40dd183812d6bcca7e508a2f7afcd
#   libspng_0.7.3.orig.tar.gz              a50cadbe808ffda1a7fab17d145f52a23b163f34b3eb3696c7ecb5a52340fc1d
#   libspng_0.7.3-3.debian.tar.xz          d24b992ef0839350dda99083a0c62a0bb1e403800ba9e9dfcf57754ba297d187
#   zlib_1.2.13.dfsg.orig.tar.bz2          71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
#   zlib_1.2.13.dfsg-1.debian.tar.xz       f66cf3d4f2d7defcd4d1fd1fb0a11ee39f1e01b42ec7d059c9dc5c1695133c44
#   tiff_4.5.0.orig.tar.bz2                638f43d7dea33948d5dee7f39572fc0194d9cc3c74195de9dd26a4388a1f880a
#   tiff_4.5.0-6+deb12u4.debian.tar.xz     4ee50a8cdf74a184d94e65a04f3c9de466cb0b74ef5393fb5ca65666fccb864b
#   dav1d_1.0.0.orig.tar.xz                51737db7e4897e599684f873a4725176dd3c779e639411d7c4fce134bb5ebb82
#   dav1d_1.0.0-2+deb12u1.debian.tar.xz    ae53e2bda2a18275cc66570194fced9b9681df2b3b8e041586a26a59d69a727e
# Not buildable from Debian here: libavif 0.11.1-1+deb12u1 (its orig tarball is 404 on the mirror). AVIF
# is therefore read by our own ISO-BMFF code (worker/engine/codec/src/dec_avif.c) and decoded by dav1d.

have="$(dpkg-query -W -f '${Version}' emscripten 2>/dev/null || true)"
if [ "$have" != "$EMSCRIPTEN_VERSION" ]; then
  echo "build-codec: need Debian emscripten $EMSCRIPTEN_VERSION (have '${have:-none}'): apt-get install -y emscripten=$EMSCRIPTEN_VERSION" >&2
  exit 1
fi

mkdir -p "$BUILD/src" "$BUILD/obj"
cd "$BUILD/src"
for entry in "${PACKAGES[@]}"; do
  spec="${entry%% *}"; sum="${entry##* }"; pkg="${spec%%=*}"; ver="${spec#*=}"; upver="${ver#*:}"
  dsc="${pkg}_${upver}.dsc"
  [ -f "$dsc" ] || apt-get source --download-only "$spec"
  echo "$sum  $dsc" | sha256sum -c --quiet -
  dir="$(find . -maxdepth 1 -type d -name "${pkg}-*" | head -1)"
  if [ -z "$dir" ]; then dpkg-source -x "$dsc" >/dev/null; fi
done
JT="$BUILD/src/$(cd "$BUILD/src" && ls -d libjpeg-turbo-2.1.5)"
WP="$BUILD/src/libwebp-1.2.4"
SP="$BUILD/src/libspng-0.7.3"
ZL="$BUILD/src/zlib-1.2.13.dfsg"
TF="$BUILD/src/tiff-4.5.0"
DV="$BUILD/src/dav1d-1.0.0"

# libjpeg-turbo's cmake configure step misdetects emscripten (size_t, inline); its three config headers
# are small, so we write them for wasm32 here instead.
CFG="$BUILD/cfg"; mkdir -p "$CFG"
cat > "$CFG/jconfig.h" <<'EOF'
#define JPEG_LIB_VERSION 62
#define LIBJPEG_TURBO_VERSION 2.1.5
#define LIBJPEG_TURBO_VERSION_NUMBER 2001005
#define C_ARITH_CODING_SUPPORTED 1
#define D_ARITH_CODING_SUPPORTED 1
#define MEM_SRCDST_SUPPORTED 1
#define BITS_IN_JSAMPLE 8
EOF
cat > "$CFG/jconfigint.h" <<'EOF'
#define BUILD "darkroom"
#undef inline
#define INLINE __inline__ __attribute__((always_inline))
#define THREAD_LOCAL
#define PACKAGE_NAME "libjpeg-turbo"
#define VERSION "2.1.5"
#define SIZEOF_SIZE_T 4
#define HAVE_BUILTIN_CTZL
#define FALLTHROUGH __attribute__((fallthrough));
EOF
sed -e 's/@COPYRIGHT_YEAR@/1991-2023/' "$JT/jversion.h.in" > "$CFG/jversion.h"
# libtiff: the same, for its autoconf/cmake headers. Codecs photos use: none, LZW, Deflate, PackBits, JPEG
# (fax, LogLuv, PixarLog, old-JPEG, Thunder and NeXT are left out: ~300 KB of wasm for no photo).
cat > "$CFG/tiffconf.h" <<'EOF'
#ifndef _TIFFCONF_
#define _TIFFCONF_
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#define TIFF_INT16_T int16_t
#define TIFF_INT32_T int32_t
#define TIFF_INT64_T int64_t
#define TIFF_INT8_T int8_t
#define TIFF_UINT16_T uint16_t
#define TIFF_UINT32_T uint32_t
#define TIFF_UINT64_T uint64_t
#define TIFF_UINT8_T uint8_t
#define TIFF_SSIZE_T int32_t
#define HAVE_IEEEFP 1
#define HOST_FILLORDER FILLORDER_LSB2MSB
#define HOST_BIGENDIAN 0
#define JPEG_SUPPORT 1
#define LZW_SUPPORT 1
#define PACKBITS_SUPPORT 1
#define ZIP_SUPPORT 1
#define STRIPCHOP_DEFAULT TIFF_STRIPCHOP
#define SUBIFD_SUPPORT 1
#define DEFAULT_EXTRASAMPLE_AS_ALPHA 1
#define CHECK_JPEG_YCBCR_SUBSAMPLING 1
#define MDI_SUPPORT 1
#define COLORIMETRY_SUPPORT
#define YCBCR_SUPPORT
#define CMYK_SUPPORT
#define ICC_SUPPORT
#define PHOTOSHOP_SUPPORT
#define IPTC_SUPPORT
#endif
EOF
cat > "$CFG/tif_config.h" <<'EOF'
#include "tiffconf.h"
#define HAVE_ASSERT_H 1
#define HAVE_FCNTL_H 1
#define HAVE_UNISTD_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_STRINGS_H 1
#define CHUNKY_STRIP_READ_SUPPORT 1
#define DEFER_STRILE_LOAD 1
#define PACKAGE "tiff"
#define PACKAGE_NAME "LibTIFF Software"
#define PACKAGE_VERSION "4.5.0"
#define VERSION "4.5.0"
#define SIZEOF_SIZE_T 4
#define STRIP_SIZE_DEFAULT 8192
#define TIFF_MAX_DIR_COUNT 1048576
#define TIFF_SIZE_FORMAT "zu"
#define TIFF_SSIZE_FORMAT PRId32
EOF
sed -e 's/@LIBTIFF_VERSION@/4.5.0/; s/@LIBTIFF_RELEASE_DATE@/20221213/; s/@LIBTIFF_MAJOR_VERSION@/4/' \
  -e 's/@LIBTIFF_MINOR_VERSION@/5/; s/@LIBTIFF_MICRO_VERSION@/0/' "$TF/libtiff/tiffvers.h.in" > "$CFG/tiffvers.h"

# dav1d: meson's config.h and version headers, for wasm32 without asm or threads (8- and 10/12-bit).
mkdir -p "$CFG/dav1d"
cat > "$CFG/dav1d/config.h" <<'EOF2'
#define ARCH_AARCH64 0
#define ARCH_ARM 0
#define ARCH_PPC64LE 0
#define ARCH_X86 0
#define ARCH_X86_32 0
#define ARCH_X86_64 0
#define CONFIG_8BPC 1
#define CONFIG_16BPC 1
#define CONFIG_LOG 0
#define ENDIANNESS_BIG 0
#define HAVE_ASM 0
#define HAVE_POSIX_MEMALIGN 1
#define HAVE_UNISTD_H 1
EOF2
echo '#define DAV1D_VERSION "1.0.0"' > "$CFG/dav1d/vcs_version.h"
sed -e 's/@DAV1D_API_VERSION_MAJOR@/6/; s/@DAV1D_API_VERSION_MINOR@/6/; s/@DAV1D_API_VERSION_PATCH@/0/' "$DV/include/dav1d/version.h.in" > "$CFG/dav1d/version.h"

CFLAGS=(-O3 -msimd128 -msse2 -DNDEBUG -fno-strict-aliasing)
# Objects are reused between runs only while the generated headers and flags stay the same.
stamp="$( (cat "$CFG"/*.h; echo "${CFLAGS[*]}") | sha256sum | cut -c1-16)"
if [ "$(cat "$BUILD/obj/.stamp" 2>/dev/null)" != "$stamp" ]; then rm -rf "$BUILD/obj"; mkdir -p "$BUILD/obj"; echo "$stamp" > "$BUILD/obj/.stamp"; fi

# compile LIB FLAGS... -- FILES...   (object per source; skipped when up to date and built with the same flags)
compile() {
  local lib="$1"; shift; local flags=(); while [ "$1" != "--" ]; do flags+=("$1"); shift; done; shift
  if [ "$(cat "$BUILD/obj/$lib/.flags" 2>/dev/null)" != "${flags[*]}" ]; then rm -rf "$BUILD/obj/$lib"; fi
  mkdir -p "$BUILD/obj/$lib"; echo "${flags[*]}" > "$BUILD/obj/$lib/.flags"
  for f in "$@"; do
    local o="$BUILD/obj/$lib/$(echo "${f#$BUILD/src/}" | tr '/' '_').o"
    if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then printf '%s\0%s\0' "$f" "$o"; fi
  done | xargs -0 -r -n2 -P "$JOBS" sh -c 'emcc -c "$0" -o "$1" '"${CFLAGS[*]} ${flags[*]}"' || exit 255'
}

JPEG_SRC="jcapimin jcapistd jccoefct jccolor jcdctmgr jchuff jcicc jcinit jcmainct jcmarker jcmaster jcomapi
  jcparam jcphuff jcprepct jcsample jctrans jdapimin jdapistd jdatadst jdatasrc jdcoefct jdcolor jddctmgr jdhuff
  jdicc jdinput jdmainct jdmarker jdmaster jdmerge jdphuff jdpostct jdsample jdtrans jerror jfdctflt jfdctfst
  jfdctint jidctflt jidctfst jidctint jidctred jquant1 jquant2 jutils jmemmgr jmemnobs jaricom jcarith jdarith
  jsimd_none turbojpeg transupp jdatadst-tj jdatasrc-tj rdbmp rdppm wrbmp wrppm"
# -D__x86_64__ -D__ILP32__: libjpeg-turbo's x32 branch (32-bit pointers, 64-bit integer registers — what
# wasm32 is) takes a 64-bit Huffman bit buffer instead of the 32-bit one a 4-byte size_t implies: fewer
# refills per coefficient. Only jdhuff.h, jdhuff.c and jchuff.c test these, and no C header we include.
compile jpeg -I"$CFG" -I"$JT" -DBMP_SUPPORTED -DPPM_SUPPORTED -D__x86_64__ -D__ILP32__ -- $(for s in $JPEG_SRC; do echo "$JT/$s.c"; done)
# libwebp's SSE2 paths (emscripten maps them to wasm SIMD; cpu.c turns them on from -msse2). Its SSE4.1
# paths (-msse4.1) measured 2-4% slower here (encode of the 2160 variant 242 -> 251 ms): not used.
compile webp -I"$WP" -DWEBP_USE_THREAD=0 -- "$WP"/src/{dec,dsp,enc,utils,mux,demux}/*.c "$WP"/sharpyuv/*.c
compile zlib -I"$ZL" -- "$ZL"/{adler32,crc32,inffast,inflate,inftrees,zutil,deflate,trees,compress,uncompr}.c
compile spng -I"$ZL" -I"$SP/spng" -DSPNG_STATIC -- "$SP/spng/spng.c"
compile tiff -I"$CFG" -I"$TF/libtiff" -I"$JT" -I"$ZL" -- $(ls "$TF"/libtiff/tif_*.c | grep -vE 'tif_(win32|jbig|lerc|lzma|webp|zstd|jpeg_12|fax3|fax3sm|luv|next|ojpeg|pixarlog|thunder)[.]c')
DAV1D_SRC="cdf cpu data decode dequant_tables getbits intra_edge itx_1d lf_mask log mem msac obu picture qm ref refmvs
  scan tables warpmv wedge lib thread_task"
DAV1D_TMPL="cdef_apply cdef fg_apply filmgrain ipred_prepare ipred itx lf_apply loopfilter looprestoration lr_apply mc recon"
DAV1D_FLAGS=(-std=gnu11 -I"$CFG/dav1d" -I"$DV" -I"$DV/include" -D_GNU_SOURCE -Wno-unused-function)
compile dav1d "${DAV1D_FLAGS[@]}" -- $(for s in $DAV1D_SRC; do echo "$DV/src/$s.c"; done)
# Templates compiled once per bit depth; the copies get their own names so their objects do not collide.
for bd in 8 16; do
  mkdir -p "$BUILD/tmpl$bd"
  for s in $DAV1D_TMPL; do
    [ -f "$BUILD/tmpl$bd/${s}_$bd.c" ] || printf '#include "%s"\n' "$DV/src/${s}_tmpl.c" > "$BUILD/tmpl$bd/${s}_$bd.c"
  done
  compile "dav1d$bd" "${DAV1D_FLAGS[@]}" -I"$DV/src" -DBITDEPTH=$bd -- $(for s in $DAV1D_TMPL; do echo "$BUILD/tmpl$bd/${s}_$bd.c"; done)
done
[ "${LIBS_ONLY:-}" = 1 ] && exit 0

rm -rf "$BUILD/obj/codec" # ours is small and shares headers: always rebuilt
INCLUDES=(-I"$CFG" -I"$JT" -I"$WP" -I"$WP/src" -I"$SP/spng" -I"$ZL" -I"$TF/libtiff" -I"$DV/include" -I"$CFG/dav1d" -DSPNG_STATIC)
compile codec "${INCLUDES[@]}" -Wall -Werror -- "$SRC_C"/*.c

EXPORTS='["_malloc","_free","_cx_version","_cx_decode","_cx_decode_avif","_cx_output","_cx_keep","_cx_encode","_cx_rgba","_cx_get","_cx_message","_cx_reset"]'
emcc "${CFLAGS[@]}" "$BUILD"/obj/{codec,jpeg,webp,zlib,spng,tiff,dav1d,dav1d8,dav1d16}/*.o -o "$BUILD/codec.mjs" \
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sENVIRONMENT=web -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=4MB -sMAXIMUM_MEMORY=112MB -sMEMORY_GROWTH_GEOMETRIC_STEP=0 -sABORTING_MALLOC=0 \
  -sTOTAL_STACK=1MB -sDYNAMIC_EXECUTION=0 -sEXPORT_NAME=createCodec -sEXPORTED_RUNTIME_METHODS='["HEAPU8","HEAP32"]' \
  -sEXPORTED_FUNCTIONS="$EXPORTS" -sINCOMING_MODULE_JS_API='["instantiateWasm","noInitialRun","locateFile"]'

cp "$BUILD/codec.wasm" "$OUT/codec.wasm"
# The glue looks for codec.wasm by URL when no instantiateWasm is given; we always pass the imported module.
cp "$BUILD/codec.mjs" "$OUT/codec.mjs"
node "$ROOT/worker/scripts/build-codec-manifest.mjs" "$OUT" "$EMSCRIPTEN_VERSION" "${PACKAGES[@]%% *}"
ls -l "$OUT"/codec.wasm "$OUT"/codec.mjs
