#!/bin/sh
# Builds each libFuzzer target with clang and runs it over its corpus plus a short fresh
# run, so that a parser regression found once stays found. FUZZ_SECONDS per target (default
# 3 here, for thirty targets, to keep the suite inside CI's time; `make fuzz` runs each longer).
# usage: tests/test-fuzz.sh BUILD_DIR [target...]   (default: every tests/fuzz/fuzz-*.c)
build=$1
shift
[ $# -gt 0 ] || set -- $(ls tests/fuzz/fuzz-*.c | sed 's|.*/fuzz-||; s|\.c$||')
seconds=${FUZZ_SECONDS:-3}
passed=0
failed=0
# The library's sources, as the Makefile's CORE_SRC: all of src/ but the command line and UI.
srcs="$(ls src/*.c | grep -v -e '^src/main\.c$' -e '^src/cmd' -e '^src/ui' -e '^src/console') $(ls drivers/*.c drivers/sim/sim-*.c 2>/dev/null)"
san="-fsanitize=address,undefined"
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -Isrc -Idrivers -Idrivers/sim"
libs="-lsqlite3 -lsodium -lserialport -lcurl"
rm -rf "$build/fuzz/obj"
mkdir -p "$build/fuzz/obj"
# The library once, instrumented for coverage (fuzzer-no-link), then one link per target.
lib="$build/fuzz/libfuzz.a"
rm -f "$lib"
if ! printf '%s\n' $srcs "$build/gen/journal-schema.c" | xargs -P 2 -I{} sh -c \
    'o='"$build"'/fuzz/obj/$(echo "{}" | tr / _).o; clang '"$cflags $san"' -fsanitize=fuzzer-no-link -c "{}" -o "$o"' \
    2>"$build/fuzz/lib.log" || ! ar rcs "$lib" "$build"/fuzz/obj/*.o 2>>"$build/fuzz/lib.log"; then
	echo "FAIL fuzz: the library does not build"; cat "$build/fuzz/lib.log"
	echo "0 passed, 1 failed"
	exit 1
fi
for t in "$@"; do
	bin="$build/fuzz/fuzz-$t"
	work="$build/fuzz/corpus-$t"
	mkdir -p "$work"
	if ! clang $cflags $san -fsanitize=fuzzer "tests/fuzz/fuzz-$t.c" "$lib" -o "$bin" $libs \
	    2>"$bin.log"; then
		echo "FAIL fuzz-$t: does not build"; cat "$bin.log"
		failed=$((failed + 1))
		continue
	fi
	if "$bin" -max_total_time="$seconds" -print_final_stats=1 "$work" "tests/fuzz/corpus/$t" \
	    >"$bin.log" 2>&1; then
		echo "fuzz-$t: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$bin.log" | \
		    sed 's/.*: //') runs, no crash"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz-$t: crashed"; tail -40 "$bin.log"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
