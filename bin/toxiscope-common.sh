# Sourced by bin/toxiscope and bin/toxiscope-spark: build-when-stale, offline DJL, native memory reuse, the JVM heap.

# build_if_stale JAR NAME PRUNE_DIR MVN_ARGS...: runs Maven when JAR is missing or older than a source, pom or
# resource (PRUNE_DIR, if not empty, holds sources that do not go into JAR).
build_if_stale() {
  local jar="$1" name="$2" prune="$3"
  shift 3
  local skip=(-path "$root/*/target")
  if [ -n "$prune" ]; then
    skip=(\( -path "$root/*/target" -o -path "$prune" \))
  fi
  if [ ! -f "$jar" ] || [ -n "$(find "$root" "${skip[@]}" -prune -o \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
    echo "$name: building (mvn package, first time only; a few minutes)..." >&2
    (cd "$root" && mvn -B -q -DskipTests install "$@" >&2)
  fi
}

# Never download anything at run time unless the user opts in (TOXISCOPE_ALLOW_DOWNLOADS=1).
if [ "${TOXISCOPE_ALLOW_DOWNLOADS:-0}" != "1" ]; then
  export DJL_OFFLINE=true
fi

# libtorch allocates and frees tens of megabytes per block. With glibc's defaults the freed memory goes back to the
# system and blocks over 128 KiB-32 MiB are mmap-ed afresh, so every batch page-faults its working set in again: the
# bf16 SAE encode of 512 tokens took 250-380 ms instead of 90-110 ms in the features pipeline. Keep freed memory for
# reuse (RSS stays at the run's peak), unless the user chose their own settings.
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-68719476736}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"

# Weights live off-heap in libtorch; the JVM heap holds only text, features and classifiers: a quarter of memory.
heap="${TOXISCOPE_HEAP:-}"
if [ -z "$heap" ]; then
  mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo 2>/dev/null || echo 8000000)
  heap="$(( mem_kb / 1024 / 4 ))m"
fi
