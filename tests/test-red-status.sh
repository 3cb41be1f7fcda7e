#!/bin/sh
# Screen test of new red alerts wherever the supervisor is (issue 17): the real binary in tmux
# with custody-sim's dock. A supervisor on the find screen sees an SOS in the status line, F12
# opens the board's open alerts at it, the visit page lists the person's alerts, and a clerk's
# status line shows nothing of a red alert. 80×24 stays whole.
# usage: tests/test-red-status.sh BUILD_DIR language...
. "$(dirname "$0")/screen-lib.sh"
screen_test_begin red "$@"
shift

BAND=00000B0001

not() { [ "$1" -ne 0 ]; echo $?; }

make_terminal() {
	d=$top/$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
	{
		for dev in em4100 dock; do
			printf '[device.%s]\nport = %s/dev/%s\n' "$dev" "$d" "$dev"
		done
		printf '[supervision]\nzone_settle = 0s\nband_silence = 1h\n'
		printf '[zone.1]\nname = 检查室\nkind = search\n'
	} > "$d/custody.conf"
	echo "$d"
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	R_STATUS=$(tr_ " Red alerts %d: %s (F12) " | sed 's/^ //; s/%d.*//')
	R_SOS=$(tr_ "SOS")
	R_STRAP=$(tr_ "strap opened")
	R_FIND=$(tr_ "Find a person")
	R_ALERTS=$(tr_ "Supervision board: open alerts")
	R_LIST=$(tr_ "Alerts:")
	R_OPEN=$(tr_ "open")
	R_NONE=$(tr_ "No new red alerts.")
	d=$(make_terminal "$lang")

	start_sim "$d"
	start_console $base_sock-$lang "$L" "$d" 80 24
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	register_person $BAND
	sim "dock telemetry $BAND zone=1 hr=80"

	# A clerk: a red alert (the strap) is journaled, the status line says nothing of it.
	sim "dock strap $BAND"
	wait_journal alert.raised '"rule":"strap"'; ok $? "a strap at the clerk's terminal is a red alert"
	sleep 1.5
	screen | sed -n 1p | grep -qF "$R_STATUS"; ok $(not $?) "a clerk's status line shows no red alert"
	keys F12; settle
	screen | grep -qF "$R_ALERTS"; ok $(not $?) "F12 opens nothing for a clerk"
	screen | grep -qF "$R_NONE"; ok $(not $?) "and says nothing for a clerk"
	keys F10; expect "$T_LOGIN" "the clerk logs out"

	# The supervisor logs in: the strap, unacknowledged and not yet seen, is new.
	login s1 super-pass-1
	expect "$T_HOME" "the supervisor's home screen"
	expect "$R_STATUS" "the status line names the red alert left from before"
	screen | sed -n 1p | grep -qF "$R_STRAP"; ok $? "the status line says it is the strap"
	keys B; expect "$(tr_ "Supervision board")" "the board opens"
	keys Escape; expect "$T_HOME" "back home"
	sleep 1.5
	screen | sed -n 1p | grep -qF "$R_STATUS"; ok $(not $?) "seen on the board, it is no longer new"
	keys F12; expect "$R_NONE" "F12 with nothing new says so"

	# On the find screen an SOS arises: the status line says it, F12 jumps to it.
	keys /; expect "$R_FIND" "the find screen"
	sim "dock sos $BAND"
	wait_journal alert.raised '"rule":"sos"'; ok $? "sos alert.raised in the journal"
	expect "$R_SOS" "the status line shows the SOS"
	line=$(screen | sed -n 1p)
	echo "$line" | grep -qF "${R_STATUS}1"; ok $? "the status line counts one new red alert ($line)"
	echo "$line" | grep -qF "张三丰 $R_SOS"; ok $? "the status line names the person and the SOS"
	echo "$line" | grep -qF "F12"; ok $? "the status line offers F12"
	screen | sed -n 2p | grep -qF "$R_FIND"; ok $? "the supervisor stays on the find screen"
	w=$(screen | sed -n 1p | sed 's/ *$//' | python3 -c 'import sys,unicodedata as u; s=sys.stdin.read().rstrip("\n"); print(sum(2 if u.east_asian_width(ch) in "WF" else 1 for ch in s))')
	ok $([ "$w" -le 80 ]; echo $?) "the status line fits 80 columns ($w)"
	screen | tail -1 | grep -qF "Esc"; ok $? "the find screen's key line is whole at 80x24"
	keys F12; expect "$R_ALERTS" "F12 opens the board's open alerts"
	screen | grep -qF "$R_SOS"; ok $? "the SOS is among the open alerts"
	sleep 1.5
	screen | sed -n 1p | grep -qF "$R_STATUS"; ok $(not $?) "on the board the status line is quiet again"

	# The visit page lists the person's alerts, open and closed.
	keys O; expect "$T_VISIT" "O opens the person's visit"
	expect "$R_LIST" "the visit lists the alerts"
	screen | grep -F "$R_SOS" | grep -qF "$R_OPEN"; ok $? "the SOS is listed as open"
	screen | grep -qF "$R_STRAP"; ok $? "the strap is listed too"
	"$bin" verify --data "$d" >/dev/null 2>&1; ok $? "the journal verifies"
	keys Escape Escape Escape F10; expect "$T_LOGIN" "F10 logs out"
	keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
