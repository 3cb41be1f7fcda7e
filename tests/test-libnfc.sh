#!/bin/sh
# A standard PN532 host against custody-sim: libnfc's nfc-list (libnfc-bin) and nfc-poll
# (libnfc-examples) open the simulated chip on its pty as pn532_uart and must print the UID the
# simulator presents, for 4-, 7- and 10-byte UIDs (docs/devices.md, "The libnfc test").
# usage: tests/test-libnfc.sh BUILD_DIR [C]
build=$1
simbin=$(cd "$build" && pwd)/custody-sim
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-libnfc-XXXXXX")
simpid=""
trap 'kill $simpid 2>/dev/null; rm -rf "$top"' EXIT
lang=C
. "$(dirname "$0")/sim-lib.sh"

# uid_of FILE: the hex digits of its "UID (NFCID1):" line, upper case.
uid_of() {
	sed -n 's/.*UID (NFCID1)://p' "$1" | head -n 1 | tr -d ' \t' | tr a-f A-F
}

for tool in nfc-list nfc-poll; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "test-libnfc: $tool is missing (Debian libnfc-bin, libnfc-examples: make deps)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

d=$top
LANG=C "$simbin" --links "$d/dev" --control "$d/sim" </dev/null >"$d/sim.out" 2>"$d/sim.err" &
simpid=$!
i=0; while { [ ! -p "$d/sim" ] || [ ! -L "$d/dev/pn532" ]; } && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1)); done
pts=$(readlink "$d/dev/pn532")
export LIBNFC_DEVICE="pn532_uart:$pts" LIBNFC_AUTO_SCAN=false LIBNFC_INTRUSIVE_SCAN=false
export LIBNFC_LOG_LEVEL=1
say() { printf '%s\n' "$1" > "$d/sim"; }

# An empty field first: the device opens (Diagnose echoed), no target is listed.
timeout 30 nfc-list >"$d/empty" 2>&1
ok $? "nfc-list, empty field: exit 0"
grep -q "NFC device: .* opened" "$d/empty"; ok $? "nfc-list opens the simulated PN532"
ok $([ -z "$(uid_of "$d/empty")" ]; echo $?) "an empty field lists no UID"

for card in 9EB36E66:0004:08 047BCB51962280:0044:00 0102030405060708090A:0084:00; do
	uid=${card%%:*}
	rest=${card#*:}
	atqa=${rest%%:*}
	sak=${rest#*:}
	say "pn532 hold $uid"
	timeout 30 nfc-list >"$d/list-$uid" 2>&1
	ok $? "nfc-list with $uid: exit 0"
	ok $([ "$(uid_of "$d/list-$uid")" = "$uid" ]; echo $?) \
		"nfc-list prints UID $uid (got $(uid_of "$d/list-$uid"))"
	grep -q "1 ISO14443A passive target(s) found" "$d/list-$uid"
	ok $? "nfc-list finds one ISO14443A target for $uid"
	got=$(sed -n 's/.*ATQA (SENS_RES)://p' "$d/list-$uid" | tr -d ' \t')
	ok $([ "$got" = "$atqa" ]; echo $?) "ATQA of a ${#uid}-digit UID is $atqa (got $got)"
	got=$(sed -n 's/.*SAK (SEL_RES)://p' "$d/list-$uid" | tr -d ' \t')
	ok $([ "$got" = "$sak" ]; echo $?) "SAK of a ${#uid}-digit UID is $sak (got $got)"

	# nfc-poll: InAutoPoll finds the card, then it waits for the card to leave.
	timeout 60 nfc-poll >"$d/poll-$uid" 2>&1 &
	pollpid=$!
	wait_file "$d/poll-$uid" "Waiting for card removing" 20
	ok $? "nfc-poll finds the card $uid and waits for it to leave"
	say "pn532 lift"
	wait $pollpid
	ok $? "nfc-poll ends when the card is lifted: exit 0"
	ok $([ "$(uid_of "$d/poll-$uid")" = "$uid" ]; echo $?) \
		"nfc-poll prints UID $uid (got $(uid_of "$d/poll-$uid"))"
done

kill $simpid 2>/dev/null; wait $simpid 2>/dev/null
simpid=""
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
