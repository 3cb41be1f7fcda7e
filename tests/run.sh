#!/bin/sh
# Runs the test programs of a build and sums their "N passed, N failed" lines.
# usage: tests/run.sh BUILD_DIR test-name...
build=$1
shift
CUSTODY_BUILD=$(cd "$build" && pwd)
export CUSTODY_BUILD
passed=0
failed=0
for t in "$@"; do
	echo "== $t"
	if [ -f "tests/test-$t.sh" ]; then
		out=$(sh "tests/test-$t.sh" "$build" $(cat "tests/test-$t.targets" 2>/dev/null) 2>&1)
	else
		out=$("$build/tests/test-$t" 2>&1)
	fi
	rc=$?
	printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
	line=$(printf '%s\n' "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -1)
	if [ -z "$line" ]; then
		echo "test-$t: no summary line (exit $rc): counted as one failure"
		failed=$((failed + 1))
		continue
	fi
	echo "$line"
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "test-$t: ran no check (a missing tests/test-$t.targets?): counted as one failure"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "test-$t: exit $rc with no failed check: counted as one failure"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
