#!/bin/sh
# custody-sim as a trainer types to it: help answers at once (also with stdout to a file or a
# pipe), and an ID card is inserted with the words on the card (sex=男 nation=汉).
# usage: tests/test-sim-cli.sh BUILD_DIR language...
build=$1
shift
simbin=$(cd "$build" && pwd)/custody-sim
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-simcli-XXXXXX")
simpid=""
trap 'kill $simpid 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/sim-lib.sh"

for lang in "$@"; do
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	d=$top/$lang
	mkdir -p "$d"
	LANG=$L LC_ALL= LANGUAGE= "$simbin" --links "$d/dev" --control "$d/sim" --verbose \
		</dev/null >"$d/out" 2>"$d/err" &
	simpid=$!
	i=0; while [ ! -p "$d/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	printf 'help\n' > "$d/sim"
	wait_file "$d/out" "idcard remove"; ok $? "help is written out at once"
	grep -qF "sex=1|2|男|女" "$d/out"; ok $? "help says sex=男 is understood"
	printf 'idcard insert sex=男 nation=汉\n' > "$d/sim"
	printf 'idcard insert sex=女 nation=蒙古族\n' > "$d/sim"
	printf 'idcard insert nation=火星\n' > "$d/sim"
	wait_file "$d/err" "nation=火星"; ok $? "a group that does not exist is refused"
	n=$(grep -c . "$d/err")
	ok $([ "$n" = 1 ]; echo $?) "sex=男 nation=汉 and 女/蒙古族 are taken ($n error lines)"
	ok $([ "$(grep -c '^ok$' "$d/out")" = 2 ]; echo $?) "two inserts said ok"
	kill $simpid 2>/dev/null; wait $simpid 2>/dev/null
	simpid=""
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
