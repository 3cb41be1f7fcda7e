#!/bin/sh
# Screen test of the supervision board: the real binary in tmux with custody-sim's dock.
# A person registered with a band, then telemetry: the board lists zone and heart rate, a heart
# rate out of range raises orange, an SOS rings red and comes first among the open alerts, a
# supervisor acknowledges it with a note, a clerk is refused the board, and the rules run on
# while nobody is logged in.
# usage: tests/test-board.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
localedir=$(cd "$build" && pwd)/locale
base_sock=custody-board-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-board-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

BAND=00000B0001

not() { [ "$1" -ne 0 ]; echo $?; }

# What the console shows for a message: its translation when the catalog has one, so the test
# holds before and after the translators' work.
tr_() { LC_ALL=C.UTF-8 LANGUAGE=$lang TEXTDOMAINDIR=$localedir gettext custody "$1"; }

start() {	# start LANG DATA-DIR COLS ROWS
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
	{
		for dev in em4100 dock; do
			printf '[device.%s]\nport = %s/dev/%s\n' "$dev" "$d" "$dev"
		done
		# Small figures so that the test does not wait: 2 s out of range is orange.
		printf '[supervision]\nhr_low = 50\nhr_high = 120\nhr_for = 2s\nzone_settle = 0s\n'
		printf 'band_silence = 1h\n'
		printf '[zone.1]\nname = 检查室\nkind = search\n'
		printf '[zone.2]\nname = Hall\nkind = corridor\n'
	} > "$d/custody.conf"
	echo "$d"
}

start_sim() {
	"$simbin" --links "$1/dev" --control "$1/sim" </dev/null >/dev/null 2>"$1/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$1/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
sim() { printf '%s\n' "$1" > "$d/sim"; }

journal_has() { "$bin" log --data "$1" --kind "$2" | grep -c . ; }
# wait_journal KIND PATTERN: up to 5 s for an event of KIND matching PATTERN.
wait_journal() {
	i=0
	while [ $i -lt 50 ]; do
		"$bin" log --data "$d" --kind "$1" | grep -q -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The board's line of a person.
row_of() { screen | grep -F -- "$1" | head -1; }

# Registration through the form, as tests/test-screens.sh does it (there is no faster path).
register() {
	good=$(idnum 11010519800101001)
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$good"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys Tab Tab; sim "em4100 tap $BAND"
	expect "$BAND" "the band tapped fills the band field"
	sim "dock present 1 $BAND"; settle
	keys F2
	expect "$T_SIGN" "the registration goes to signing"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens after signing"
	keys Escape; expect "张三丰" "the person is in the area list"
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	B_TITLE=$(tr_ "Supervision board")
	B_ALERTS=$(tr_ "Supervision board: open alerts")
	B_REFUSED=$(tr_ "The supervision board is for supervisors and administrators.")
	B_KEY=$(tr_ "Enter open  / find  L register  B board  C conflicts  F1 help  F10 log out")
	B_RED=$(tr_ "red")
	B_ORANGE=$(tr_ "orange")
	B_NEWRED=$(tr_ "New red alert: %s" | sed 's/%s.*//')
	B_ACK=$(tr_ "Acknowledge: %s" | sed 's/%s.*//')
	B_ACKED=$(tr_ "Alert acknowledged.")
	B_HELP=$(tr_ "Help: %s" | sed 's/%s.*//')
	d=$(make_terminal "$lang")

	start_sim "$d"
	start "$L" "$d" 120 30
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	register

	# A clerk has no B on the key line and is refused the board.
	screen | tail -1 | grep -qF "$B_KEY"
	ok $(not $?) "a clerk's key line does not offer the board"
	keys B; expect "$B_REFUSED" "a clerk is refused the board"
	screen | sed -n 2p | grep -qF "$B_TITLE"; ok $(not $?) "and no board opens for the clerk"
	keys F10; expect "$T_LOGIN" "the clerk logs out"

	# While nobody is logged in, the rules still run: a strap opened is a red alert.
	sim "dock telemetry $BAND zone=2 hr=80"
	sim "dock strap $BAND"
	wait_journal alert.raised '"rule":"strap"'
	ok $? "a strap opened at the login screen is journaled as alert.raised"

	login s1 super-pass-1
	expect "$T_HOME" "the supervisor's home screen"
	screen | tail -1 | grep -qF "$B_KEY"; ok $? "the supervisor's key line offers B board"
	# The strap's alert clears once the band says the strap is closed again.
	sim "dock telemetry $BAND zone=1 hr=80"
	wait_journal alert.cleared . ; ok $? "the strap alert clears with a closed strap"
	keys B; expect "$B_TITLE" "B opens the board"
	expect "检查室" "the board shows the person's zone"
	row_of 张三丰 | grep -qF "1 检查室"; ok $? "the person's row has zone 1 and its room"
	row_of 张三丰 | grep -qE '(^| )80( |$)'; ok $? "the person's row has the heart rate 80"

	# A heart rate out of range for 2 s: orange.
	for i in 1 2 3 4; do sim "dock telemetry $BAND zone=1 hr=170"; sleep 1; done
	wait_journal alert.raised '"rule":"heart_rate"'; ok $? "heart_rate alert.raised in the journal"
	"$bin" log --data "$d" --kind alert.raised | grep '"rule":"heart_rate"' | grep -q '"level":"orange"'
	ok $? "the heart rate alert is orange"
	wait_for "170"; row_of 张三丰 | grep -qF "1 $B_ORANGE"
	ok $? "the board shows the person's orange alert and heart rate 170"

	# An SOS: red at once, the bell and the flash line, first among the open alerts.
	sim "dock sos $BAND"
	expect "$B_NEWRED" "a new red alert is announced"
	wait_journal alert.raised '"rule":"sos"'; ok $? "sos alert.raised in the journal"
	row_of 张三丰 | grep -qF "$B_RED"; ok $? "the person's row shows red"
	keys A; expect "$B_ALERTS" "A shows the open alerts"
	first=$(screen | sed -n '7p')	# under the column titles
	echo "$first" | grep -qF "$B_RED"; ok $? "the first open alert is the red one"
	keys F1; expect "$B_HELP" "F1 help on the board"
	keys Escape; expect "$B_ALERTS" "back to the alerts"
	keys Enter; expect "$B_ACK" "Enter asks the supervisor's note"
	type_text "已到场处置，误触"; keys F2
	expect "$B_ACKED" "the alert is acknowledged"
	n=$(journal_has "$d" alert.acknowledged)
	ok $([ "$n" = 1 ]; echo $?) "one alert.acknowledged in the journal ($n)"
	"$bin" log --data "$d" --kind 'alert.*' | grep alert.acknowledged | grep -q '已到场处置'
	ok $? "the acknowledgement carries the note and is found by --kind alert.*"
	"$bin" log --data "$d" --kind alert.acknowledged | grep -q '"operator":"s1"'
	ok $? "acknowledged by the supervisor s1"
	keys Enter; settle
	screen | grep -qF "$B_ACK"; ok $(not $?) "an acknowledged alert is not asked again"
	keys A; expect "$B_TITLE" "A goes back to the people"
	keys Enter; expect "$T_VISIT" "Enter opens the person's visit from the board"
	keys Escape; expect "$B_TITLE" "Esc returns to the board"

	# Narrow and wide windows keep the board whole.
	for size in "80 24" "160 40"; do
		set -- $size
		tmux -L $sock resize-window -t t -x "$1" -y "$2"; settle
		screen | grep -qF "张三丰"; ok $? "the person is on the board at ${1}x${2}"
		screen | sed -n "${2}p" | grep -qF "Esc"; ok $? "the key line at ${1}x${2}"
	done
	"$bin" verify --data "$d" >/dev/null 2>&1; ok $? "the journal verifies"
	keys Escape F10; expect "$T_LOGIN" "F10 logs out"
	keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
