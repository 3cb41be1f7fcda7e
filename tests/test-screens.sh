#!/bin/sh
# Screen tests: the real binary in tmux, driven by keys, asserted on what a clerk sees.
# One person through the whole loop (zh_CN and en), interrogation before the search refused
# and allowed by a supervisor's override, a wrong check digit refused, resizes.
# usage: tests/test-screens.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
base_sock=custody-test-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-screens-XXXXXX")
simpids=""
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
langs="$*"

start() {	# start LANG DATA-DIR COLS ROWS (one tmux server per language)
	sock=$base_sock-$lang
	tmux -L $sock -u -f /dev/null new-session -d -s t -x "$3" -y "$4" \
		"env LANG=$1 LC_ALL= LANGUAGE= TERM=screen-256color CUSTODY_TEST_CLOCK_MS=1795000000000 $bin run --data $2; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}

make_terminal() {
	d=$top/$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
	for dev in pn532 em4100 fingerprint uhf dock idcard; do
		printf '[device.%s]\nport = %s/dev/%s\n' "$dev" "$d" "$dev"
	done > "$d/custody.conf"
	echo "$d"
}

# The terminal's simulated devices (custody-sim), and a command to them.
start_sim() {
	"$simbin" --links "$1/dev" --control "$1/sim" </dev/null >/dev/null 2>"$1/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$1/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
sim() { printf '%s\n' "$1" > "$d/sim"; }

journal_has() { "$bin" log --data "$1" --kind "$2" | grep -c . ; }

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	d=$(make_terminal "$lang")
	good=$(idnum 11010519800101001)
	bad=$(printf '%s' "$good" | sed 's/.$//')$(printf '%s' "$good" | tail -c1 | tr '0123456789X' '1234567890X' | sed 's/X/0/')

	start_sim "$d"
	start "$L" "$d" 100 30
	expect "$T_LOGIN" "the login screen"
	login c1 wrong-password
	expect "$T_WRONG" "a wrong password is refused"
	keys BTab C-u; login c1 clerk-pass-1
	expect "$T_HOME" "the home screen after login"
	expect "$T_LFOK" "the status line shows the 125 kHz reader connected"

	# Registration, with a wrong check digit first.
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$bad"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys Tab Tab; sim "em4100 tap 00000B0001"
	expect "00000B0001" "a band tapped on the reader fills the band field"
	sim "dock present 1 00000B0001"; settle	# and it is put in the dock, for the bind
	keys F2
	expect "$T_CHECKDIGIT" "a wrong check digit is refused with a message"
	keys C-u; type_text "$good"; keys F2
	expect "$T_SIGN" "the registration form goes to signing"
	expect "$T_DOCKOK" "the dock confirms it bound the band"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens after signing"
	keys Escape; expect "张三丰" "the person is in the area list"
	sleep 0.7	# the same tag again within EM4100_FOLD_MS would be the same tap
	sim "em4100 tap 00000B0001"
	expect "$T_VISIT" "tapping the band opens the person's visit"
	sleep 0.7; sim "em4100 tap 00000B0001"; settle
	keys Escape; settle
	screen | grep -qF "$T_VISIT"
	ok $([ $? -ne 0 ]; echo $?) "a second tap does not open the visit twice"
	sim "em4100 unplug 1"
	expect "$T_LFGONE" "an unplugged reader shows as reconnecting"
	expect "$T_LFOK" "and as connected when its line is back"
	ok $([ "$(journal_has "$d" person.registered)" = 1 ]; echo $?) "person.registered in the journal"

	# Interrogation before the search: refused, then a supervisor's override.
	keys 5; expect "$T_ROOMS" "the rooms form"
	keys Right Right Tab; type_text R1; keys Tab; type_text 110001; keys Tab; type_text 110002; keys F2
	expect "$T_NOSEARCH" "interrogation before the search is refused"
	keys F6; expect "$T_OVERRIDE" "the override dialog"
	type_text s1; keys Tab; type_text super-pass-1; keys Tab; type_text "$T_REASON"; keys F2
	expect "$T_GRANTED" "the override is granted"
	keys F2; settle
	expect "R1" "the person is in the interrogation room"
	ok $([ "$(journal_has "$d" override.granted)" = 1 ]; echo $?) "override.granted in the journal"

	# The body search.
	keys 2; expect "$T_SEARCH" "the search form"
	type_text 110003; keys Tab Right Tab; type_text 110004; keys Tab; type_text "$T_HEALTH"
	keys Tab Tab Enter; expect "$T_ADDITEM" "the add-item dialog"
	type_text "$T_PHONE"; keys Tab; type_text 1; keys Tab; type_text "$T_UNIT"; keys F2
	settle; keys F2
	expect "$T_SIGN" "the search record goes to signing"
	type_text 张三丰; keys Enter; settle; keys Escape

	# Belongings: the item the search sent there is listed already.
	keys 3; expect "$T_PHONE" "the search's item is on the belongings list"
	type_text L07; keys Tab; type_text 110009; keys F2
	expect "$T_SIGN" "the belongings list goes to signing"
	type_text 张三丰; keys Enter; settle
	type_text 110009; keys Enter; settle; keys Escape

	# Collection: four done, one skipped with a reason.
	keys 4; expect "$T_COLLECT" "the collection form"
	for i in 1 2 3 4; do keys Right Tab; type_text ok$i; keys Tab; done
	keys Right Right Tab; type_text "$T_REFUSED"
	# The right index finger (the default), captured with two presses on the module.
	keys Tab Tab Enter
	expect "$T_FPPRESS1" "the capture asks for the first press"
	sim "fingerprint tap alice"
	expect "$T_FPLIFT" "then to lift the finger"
	expect "$T_FPPRESS2" "then for the second press"
	sim "fingerprint tap alice"
	expect "$T_FPCAPTURED" "the fingerprint is captured, sealed and recorded"
	keys F2
	expect "$T_COLLECTED" "the collection is recorded"
	ok $([ "$(journal_has "$d" fingerprint.enrolled)" = 1 ]; echo $?) "fingerprint.enrolled in the journal"
	keys 5; expect "$T_ROOMS" "rooms again"
	keys Right Tab; type_text W3; keys Tab; type_text 110001; keys F2
	settle; expect "W3" "the waiting room"

	# Exit review: return the belongings (signed receipt), unbind, approve.
	keys 7; expect "$T_EXIT" "the exit review"
	expect "$T_HELD" "the review shows the belongings still held"
	keys Enter; settle; keys F2; settle; keys Enter	# each item's way, then the confirmation
	expect "$T_SIGN" "the receipt goes to signing"
	expect "$T_F4" "signing by fingerprint is offered"
	sleep 1.5	# the last capture's finger leaves the sensor (custody-sim holds a tap 1.5 s)
	keys F4; expect "$T_FPSIGN" "the signer is asked to press the enrolled finger"
	settle	# the module checks the sensor is clear before it takes a press
	sim "fingerprint tap alice"
	expect "$T_SIGNED" "the matching finger signs the receipt"
	keys Tab Tab Enter; settle
	# "Wristband unbound." is followed at once by the dock's own confirmation.
	ok $([ "$(journal_has "$d" band.unbound)" = 1 ]; echo $?) "the band is unbound in the journal"
	expect "$T_DOCKOK" "and the dock confirms it forgot the band"
	keys Tab Right Tab; type_text ok; keys F2
	expect "$T_APPROVAL" "the supervisor's approval"
	type_text s1; keys Tab; type_text super-pass-1; keys F2
	expect "$T_SIGN" "the exit record goes to signing"
	sleep 1.5	# alice's finger leaves the sensor (custody-sim holds a tap 1.5 s)
	keys F4; expect "$T_FPSIGN" "the exit record can be signed by finger too"
	settle
	sim "fingerprint tap mallory"
	expect "$T_FPNOMATCH" "another finger does not sign"
	type_text 张三丰; keys Enter; settle; keys Escape; settle
	expect "$T_NOBODY" "nobody is left in the area"
	ok $([ "$(journal_has "$d" exit.completed)" = 1 ]; echo $?) "exit.completed in the journal"
	ok $([ "$(journal_has "$d" signature.made)" = 6 ]; echo $?) "six signatures in the journal"
	"$bin" log --data "$d" --kind signature.made | grep -q '"method":"fingerprint","match":{"finger":"r_index"'
	ok $? "one signature made by the matched right index finger"
	"$bin" verify --data "$d" >/dev/null 2>&1
	ok $? "the journal verifies"

	# Find by a two-character fragment opens the visit.
	keys /; type_text 三丰; keys Enter; expect "$good" "find by a name fragment"
	keys Enter; expect "$T_VISIT" "find opens the visit"
	keys Escape Escape

	# An ID card put on the reader at the home screen opens a registration filled from it.
	card=$(idnum 44030619900101002)
	sim "idcard insert name=李四 sex=2 nation=01 birth=19900101 address=广东省深圳市南山区科技园 id=$card"
	expect "$T_REGISTER" "an ID card opens the registration form"
	expect "$card" "the form has the card's ID number"
	expect "李四" "and its name"
	expect "1990-01-01" "and its birth date"
	expect "广东省深圳市南山区" "and its address"
	keys Escape; settle; keys d; settle	# the form's draft is discarded (test-drafts.sh)

	# Resizes keep the frame whole.
	for size in "80 24" "200 60" "100 30"; do
		set -- $size
		tmux -L $sock resize-window -t t -x "$1" -y "$2"; settle
		rows=$(screen | wc -l)
		first=$(screen | head -1); last=$(screen | sed -n "${2}p")
		echo "$first" | grep -q custody; ok $? "status line at ${1}x${2}"
		echo "$last" | grep -qF "F10"; ok $? "key line at ${1}x${2}"
		ok $([ "$rows" -eq "$2" ]; echo $?) "the screen is ${2} rows at ${1}x${2}"
		screen | grep -qF "$T_HOME"; ok $? "the title at ${1}x${2}"
	done
	keys F10; expect "$T_LOGIN" "F10 logs out"
	keys F10; sleep 0.5
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
