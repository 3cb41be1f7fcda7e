#!/bin/sh
# The clerk's keystrokes for one person, registration to exit, with the simulated devices:
# every named key and every typed character goes through k and t, which count them. Prints
# "keystrokes: N keys, M characters"; the figure may fall, never rise. Issue 15 counted 99
# keys and 226 characters typing every field; this flow (the ID card fills the person) took
# 70 keys and 133 characters on main before issue 15's changes.
# usage: tests/test-keystrokes.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
base_sock=custody-keys-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-keys-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
. "$(dirname "$0")/desk-lib.sh"

MAX_KEYS=70
MAX_CHARS=133

nkeys=0
nchars=0
k() { nkeys=$((nkeys + $#)); keys "$@"; }	# named keys, each counted
t() {	# typed text, counted by character (not byte)
	nchars=$((nchars + $(printf '%s' "$1" | LC_ALL=C.UTF-8 wc -m)))
	type_text "$1"
}
# Text of a field the baseline did not have (the free-text cause, 案由): counted apart, so
# the comparison with the baseline stays like for like.
nnew=0
t_new() { nnew=$((nnew + $(printf '%s' "$1" | LC_ALL=C.UTF-8 wc -m))); type_text "$1"; }

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	d=$(make_terminal "$lang")
	nkeys=0; nchars=0; nnew=0
	start_sim "$d"
	start "$L" "$d" 100 30
	expect "$T_LOGIN" "the login screen"
	t c1; k Tab; t clerk-pass-1; k Enter
	expect "$T_HOME" "the home screen"
	expect "$T_LFOK" "the devices are connected"

	# Registration: the ID card fills name, sex, ethnicity, number, birth date, address.
	card=$(idnum 11010519800101001)
	sim "idcard insert name=张三丰 sex=1 nation=01 birth=19800101 address=北京市东城区东长安街1号 id=$card"
	expect "$T_REGISTER" "the ID card opens the registration"
	expect "$card" "with the card's number"
	t A1101012026110001; k Tab Right Tab; t_new 涉嫌盗窃; k Tab Tab; t 110001; k Tab; t 110002
	sim "em4100 tap 00000B0001"
	expect "00000B0001" "the band tapped fills the band field"
	sim "dock present 1 00000B0001"; settle
	k F2
	expect "$T_SIGN" "the registration goes to signing"
	t 张三丰; k Enter
	expect "$T_VISIT" "the visit opens after signing"

	# The body search, with one item found.
	k 2; expect "$T_SEARCH" "the search form"
	t 110003; k Tab Right Tab; t 110004; k Tab; t "$T_HEALTH"
	k Tab Tab Enter; expect "$T_ADDITEM" "the add-item dialog"
	t "$T_PHONE"; k Tab; t 1; k Tab; t "$T_UNIT"; k F2
	settle; k F2
	expect "$T_SIGN" "the search record goes to signing"
	t 张三丰; k Enter; settle

	# Belongings: the search's item is listed; custodian and person sign.
	k 3; expect "$T_PHONE" "the search's item is on the belongings list"
	t L07; k Tab; t 110009; k F2
	expect "$T_SIGN" "the belongings list goes to signing"
	t 张三丰; k Enter; settle
	t 110009; k Enter; settle

	# Collection: four done, one refused.
	k 4; expect "$T_COLLECT" "the collection form"
	for i in 1 2 3 4; do k Right Tab; t ok; k Tab; done
	k Right Right Tab; t "$T_REFUSED"
	k F2
	expect "$T_COLLECTED" "the collection is recorded"

	# Waiting room.
	k 5; expect "$T_ROOMS" "the rooms form"
	k Right Tab; t W3; k Tab; t 110001; k F2
	settle; expect "W3" "the waiting room"

	# Exit: belongings back (signed), band off, destination, approval, signed record.
	k 7; expect "$T_EXIT" "the exit review"
	# Each held item's way (preset back to the person), then the confirmation of the list.
	k Enter; settle; k F2; settle; k Enter; expect "$T_SIGN" "the receipt goes to signing"
	t 张三丰; k Enter; settle
	k Tab Tab Enter; settle
	ok $([ "$(journal_has "$d" band.unbound)" = 1 ]; echo $?) "the band is unbound"
	k Tab Right Tab; t ok; k F2
	expect "$T_APPROVAL" "the supervisor's approval"
	t s1; k Tab; t super-pass-1; k F2
	expect "$T_SIGN" "the exit record goes to signing"
	t 张三丰; k Enter; settle; k Escape
	expect "$T_NOBODY" "nobody is left in the area"
	ok $([ "$(journal_has "$d" exit.completed)" = 1 ]; echo $?) "exit.completed in the journal"

	echo "[$lang] keystrokes: $nkeys keys, $nchars characters (and $nnew in the new cause field)"
	ok $([ "$nkeys" -le $MAX_KEYS ]; echo $?) "at most $MAX_KEYS keys ($nkeys)"
	ok $([ "$nchars" -le $MAX_CHARS ]; echo $?) "at most $MAX_CHARS characters ($nchars)"
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
