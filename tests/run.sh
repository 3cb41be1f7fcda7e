#!/bin/sh
# Runs the test programs of a build and sums their "N passed, N failed" lines.
# usage: tests/run.sh BUILD_DIR test-name...
# Screen tests (tests/test-*.sh) mostly wait on the console in tmux: TEST_JOBS of them (default
# 2) run at once, each alone on its tmux socket and data directory, the next starting as soon
# as one ends; the fuzz run, which takes both cores, and the C tests run one at a time. Results
# are printed in the order given.
build=$1
shift
CUSTODY_BUILD=$(cd "$build" && pwd)
export CUSTODY_BUILD
jobs=${TEST_JOBS:-2}
passed=0
failed=0
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/custody-run-XXXXXX")
trap 'rm -rf "$out_dir"' EXIT

run_one() {	# run_one NAME: its output in $out_dir/NAME.out, its exit status in NAME.rc
	if [ -f "tests/test-$1.sh" ]; then
		sh "tests/test-$1.sh" "$build" $(cat "tests/test-$1.targets" 2>/dev/null) \
		    >"$out_dir/$1.out" 2>&1
	else
		"$build/tests/test-$1" >"$out_dir/$1.out" 2>&1
	fi
	echo $? >"$out_dir/$1.rc"
}

report() {	# report NAME: prints what it said and adds its summary line to the totals
	name=$1
	echo "== $name"
	out=$(cat "$out_dir/$name.out")
	rc=$(cat "$out_dir/$name.rc")
	printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
	line=$(printf '%s\n' "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -1)
	if [ -z "$line" ]; then
		echo "test-$name: no summary line (exit $rc): counted as one failure"
		failed=$((failed + 1))
		return
	fi
	echo "$line"
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "test-$name: ran no check (a missing tests/test-$name.targets?): counted as one failure"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "test-$name: exit $rc with no failed check: counted as one failure"
		failed=$((failed + 1))
	fi
}

pool=""	# screen tests started and not yet reported, in the order given
running=0
flush() {	# waits for the pool and reports it in order
	[ -n "$pool" ] || return 0
	wait
	for b in $pool; do report "$b"; done
	pool=""
	running=0
}
wait_slot() {	# until fewer than $jobs screen tests run: a slow one holds only its own slot
	while [ "$running" -ge "$jobs" ]; do
		sleep 0.2
		running=0
		for b in $pool; do
			[ -f "$out_dir/$b.rc" ] || running=$((running + 1))
		done
	done
}

for t in "$@"; do
	if [ -f "tests/test-$t.sh" ] && [ "$t" != fuzz ] && [ "$jobs" -gt 1 ]; then
		wait_slot
		run_one "$t" &
		pool="$pool $t"
		running=$((running + 1))
		continue
	fi
	flush
	run_one "$t"
	report "$t"
done
flush
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
