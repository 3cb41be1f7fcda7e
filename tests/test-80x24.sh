#!/bin/sh
# Every screen at 80x24: the console opened at 80 columns and 24 rows from the start, each
# screen of an intake terminal and of a property terminal visited, and what a clerk needs seen
# whole: the key line to its last key, the band id in the area list, an inline error and the
# status line's clock, the board's texts. zh_CN and en.
# usage: tests/test-80x24.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
localedir=$(cd "$build" && pwd)/locale
base_sock=custody-80x24-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-80x24-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; tmux -L $base_sock-$l-p kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

BAND=00000B0001
DEVICES=6	# configured and connected: the mark "devices 6✓"
not() { [ "$1" -ne 0 ]; echo $?; }


make_terminal() {	# make_terminal DIR ROOM
	d=$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room "$2" --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
	printf 'admin-pass-0\nkeeper-pass-1\n' | "$bin" operator add --data "$d" --id k1 --name 赵库 --role keeper --by a0 >/dev/null
	{
		for dev in pn532 em4100 fingerprint uhf dock idcard; do
			printf '[device.%s]\nport = %s/dev/%s\n' "$dev" "$d" "$dev"
		done
		printf '[zone.1]\nname = 检查室\nkind = search\n'
	} > "$d/custody.conf"
}


# The key line, spaces closed up (a narrow window closes them up) and trailing ones dropped.
last_row() { screen | sed -n 24p | tr -s ' ' | sed 's/ *$//; s/^ *//'; }
squeeze() { printf '%s' "$1" | tr -s ' '; }
# keyline MSGID WHAT: the screen's key line is the whole translated text.
keyline() {
	want=$(squeeze "$(tr_ "$1")")
	settle
	ok $([ "$(last_row)" = "$want" ]; echo $?) "$2: the key line whole (\"$want\" / \"$(last_row)\")"
}
# status: the status line ends with the devices' mark and the clock, whole.
status_whole() {
	screen | head -1 | grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} *$'
	ok $? "$1: the status line's clock is whole"
	marks=$(tr_ "%sdevices %d✓" | sed "s/%s//; s/%d/$DEVICES/")
	screen | head -1 | grep -qF "$marks"
	ok $? "$1: the devices' mark is whole (\"$marks\")"
}

intake_screens() {
	start_console "$base_sock-$lang" "$L" "$d" 80 24
	expect "$T_LOGIN" "the login screen at 80x24"
	keyline "Tab next field  Enter log in  F10 quit" "login"
	login c1 wrong-password
	expect "$T_WRONG" "a wrong password: the whole message"
	keys BTab C-u; login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	keyline "Enter open  / find  L register  F1 help  F10 log out" "home"
	status_whole "home"

	# Register: F2 on the empty form names the field that is missing, whole.
	keys 1; expect "$T_REGISTER" "the registration form"
	keyline "F1 help  F2 save  Tab next field  Esc back  F10 log out" "register"
	keys F2
	M_SEX=$(tr_ "Fill in %s." | sed "s/%s/$(tr_ Sex)/")
	expect "$M_SEX" "F2 on the empty form names the field: \"$M_SEX\""
	keys Right Tab; type_text "$T_ETHNIC"; keys F2
	M_NAME=$(tr_ "Fill in %s." | sed "s/%s/$(tr_ Name)/")
	expect "$M_NAME" "the name is asked for by its label: \"$M_NAME\""
	screen | sed -n 23p | grep -qF "$M_NAME"; ok $? "and on the message line"
	keys Escape; settle; keys d; settle
	# An ID card: its validity is a date as dates are written.
	sim "idcard insert sex=男 nation=汉 to=20350601"
	expect "$T_REGISTER" "an ID card opens the registration"
	expect "2035-06-01" "the card's validity as a date"
	screen | grep -qF "20350601"; ok $(not $?) "not as 20350601"
	keys Escape; settle; keys d; settle

	# A whole registration: the signing's and the visit's key lines on the way.
	register_person $BAND 'keyline "F2/Enter sign  PgUp/PgDn read  Esc not now" signing' \
		'ok $([ "$(last_row)" = "$(squeeze "$(tr_ "Steps %s  E correct  PgUp/PgDn scroll  Esc back" |
		sed "s/%s/2 3 4 5 6 7/")")" ]; echo $?) "the visit names the steps by digit at 80 columns"'
	screen | grep -F 张三丰 | grep -qF "$BAND"; ok $? "the band id is whole in the area list"

	for step in 2 3 4 5 6 7; do
		keys $step; settle
		if [ $step = 2 ]; then	# the search opens on its officer field
			keyline "F1 help  F2 save  Tab pick / next field  F5 add officer  Esc back  F10 log out" "step $step"
		else
			keyline "F1 help  F2 save  Tab next field  Esc back  F10 log out" "step $step"
		fi
		status_whole "step $step"
		[ $step = 5 ] && { keys F6; settle; keyline "Tab next field  F2/Enter confirm  Esc cancel" "a dialog"; keys Escape; settle; }
		keys Escape; settle
	done
	keys /; settle; keyline "Enter find / open  Up/Down choose  Esc back" "find"; keys Escape; settle
	keys L; settle; keyline "Enter show  F4 export CSV  F5 export HTML  Esc back" "ledger"; keys Escape; settle
	keys F1; settle; keyline "Esc back  PgUp/PgDn scroll" "help"; keys Escape; settle
	keys F10; expect "$T_LOGIN" "the clerk logs out"

	login s1 super-pass-1
	expect "$T_HOME" "the supervisor's home"
	keyline "Enter open  / find  L register  B board  C conflicts  F1 help  F10 log out" "the supervisor's home"
	sim "dock telemetry $BAND zone=1 hr=80"
	sim "dock sos $BAND"
	keys B; settle; sleep 2.5	# past the flash of the new red alert
	keyline "Enter open  A open alerts  C conflicts  F5 refresh  F1 help  Esc back" "board"
	B_RED=$(tr_ "red")
	screen | sed -n 4p | grep -qE "$(tr_ "yellow") *\$"; ok $? "the board's summary line is whole"
	expect "$(tr_ "SOS")" "the SOS on the person's row"
	keys A; settle
	keyline "Enter acknowledge  O open the person  A people  F1 help  Esc back" "alerts"
	screen | grep -F "$(tr_ SOS)" | grep -qF 张三丰; ok $? "the SOS alert names the person whole"
	keys Escape F10; expect "$T_LOGIN" "logged out"
	keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

property_screens() {
	start_console "$base_sock-$lang-p" "$L" "$d" 80 24
	expect "$T_LOGIN" "the property terminal's login"
	login k1 keeper-pass-1
	expect "赵库" "the keeper is logged in"
	keyline "Enter open  N register  V intake  C location  I inventory  / find  F1 help  F10 log out" "property home"
	status_whole "property home"
	keys c; settle; type_text A; keys Tab; type_text 01; keys F2; settle
	keys n; settle
	keyline "F1 help  F2 save  Tab next field  Esc back  F10 log out" "property register"
	type_text A1101052026120001; keys Tab Right Right Tab; type_text 黑色手机; keys Tab
	type_text 1; keys Tab; type_text 部; keys Tab; type_text 3999; keys Tab; type_text 张三; keys F2
	expect "WP-A1101052026120001-001" "the item's code whole"
	keyline "S store  T transfer  W owner  A approve  D dispose  G tag  P label  X export  F1 help" "the item"
	keys g; settle; keyline "Tab next field  F2/Enter confirm  Esc cancel" "the tag dialog"; keys Escape
	keys Escape; settle
	keys Enter; settle
	keyline "Enter open  N register  P case label  X history  / find  Esc locations  F10 log out" "a location's items"
	keys Escape; settle
	keys i; settle; keys C-u; type_text A/01; keys F2; settle
	keyline "F2 finish and record  F3 reader  T tag  W power  F4 CSV  Esc abandon" "inventory"
	keys Escape; settle
	keys F10; settle; keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	make_terminal "$top/$lang" intake
	start_sim "$d"
	intake_screens
	make_terminal "$top/$lang-p" property
	start_sim "$d"
	property_screens
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
