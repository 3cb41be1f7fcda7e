#!/bin/sh
# Screen test of the board's words: the SOS banner names the person and the room (not the
# band), a limit under a minute is not printed as "limit 0 min", an alert's start is a clock
# time, a person's alert count says what it counts, a band without a person is "band ID" in
# the reader's language and whole, also at 80x24.
# usage: tests/test-board-texts.sh BUILD_DIR language...
. "$(dirname "$0")/screen-lib.sh"
screen_test_begin btexts "$@"
shift

BAND=00000B0001
STRAY=00000B0999

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
		# A band silent for 5 s is an alert: a limit under a minute.
		printf '[supervision]\nhr_low = 50\nhr_high = 120\nhr_for = 1s\nzone_settle = 0s\n'
		printf 'band_silence = 5s\n'
		printf '[zone.1]\nname = 检查室\nkind = search\n'
	} > "$d/custody.conf"
	echo "$d"
}


# silent_again: up to 10 s for the person's band to be reported silent a second time.
silent_again() {
	i=0
	while [ $i -lt 100 ]; do
		n=$("$bin" log --data "$d" --kind alert.raised | grep -F "\"about\":\"band:$BAND\"" |
		    grep -c '"rule":"band_silent"')
		[ "$n" -ge 2 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

row_of() { screen | grep -F -- "$1" | head -1; }
msg_line() { screen | tail -2 | head -1; }


run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	B_TITLE=$(tr_ "Supervision board")
	B_ALERTS=$(tr_ "Supervision board: open alerts")
	B_RED=$(tr_ "red")
	B_SOS=$(tr_ "SOS")
	B_SILENT=$(tr_ "band silent")
	B_LIMIT0=$(tr_ "%lld min (limit %lld min)" | sed 's/%lld/0/g')
	B_BANNER=$(tr_ 'New red alert: %1$s, %2$s: %3$s' | sed "s/%1\\\$s/张三丰/; s/%2\\\$s/1 检查室/; s/%3\\\$s/$B_SOS/")
	B_STRAY=$(tr_ "band %s" | sed "s/%s/$STRAY/")
	B_COUNT=$(tr_ '%1$d alerts, %2$d %3$s' | sed "s/%1\\\$d/2/; s/%2\\\$d/1/; s/%3\\\$s/$B_RED/")
	d=$(make_terminal "$lang")

	start_sim "$d"
	start_console $base_sock-$lang "$L" "$d" 120 30
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	register_person $BAND
	keys F10; expect "$T_LOGIN" "the clerk logs out"
	login s1 super-pass-1
	expect "$T_HOME" "the supervisor's home screen"

	# The band is heard, then falls silent for more than 2 s: band silent, limit under 1 min.
	sim "dock telemetry $BAND zone=1 hr=80"
	sim "dock telemetry $STRAY zone=1 hr=80"
	wait_journal alert.raised '"rule":"band_silent"'; ok $? "band_silent raised"
	keys B; expect "$B_TITLE" "B opens the board"
	keys A; expect "$B_ALERTS" "A shows the open alerts"
	expect "$B_SILENT" "the band silent alert is listed"
	screen | grep -qF "$B_LIMIT0"; ok $(not $?) "no \"$B_LIMIT0\" for a limit under a minute"
	row_of "$B_SILENT" | grep -qE '(^| )[0-2][0-9]:[0-5][0-9]( |$)'
	ok $? "the alert's start is a clock time"

	# An SOS: the banner names the person and the room, not the band.
	sim "dock telemetry $BAND zone=1 hr=80"
	sim "dock sos $BAND"
	wait_journal alert.raised '"rule":"sos"'; ok $? "sos raised"
	expect "$B_BANNER" "the red alert's banner names the person and the room"
	msg_line | grep -qF "$BAND"; ok $(not $?) "the banner does not name the band"

	# A band bound to nobody: "band ID" translated and whole.
	sim "dock sos $STRAY"
	expect "$B_STRAY" "an alert about a stray band says \"$B_STRAY\""
	screen | grep -qF "band:"; ok $(not $?) "no raw \"band:\" prefix"

	# The person's count says what it counts: 2 alerts, 1 of them red. The band heard again
	# before its SOS ended its silence (that alert is cleared): the second is the band falling
	# silent again 5 s later. The stray band's alert is nobody's.
	keys A; expect "$B_TITLE" "A goes back to the people"
	silent_again; ok $? "band_silent raised again after the SOS"
	expect "$B_COUNT" "the person's alerts: \"$B_COUNT\""

	tmux -L $sock resize-window -t t -x 80 -y 24; settle
	expect "$B_COUNT" "the count is whole at 80x24"
	keys A; expect "$B_ALERTS" "the alerts at 80x24"
	expect "$B_STRAY" "the stray band's id is whole at 80x24"
	row_of "$B_SOS" | grep -qF "张三丰"; ok $? "the SOS row names the person at 80x24"
	expect "$B_SILENT" "the silence alert is whole at 80x24"
	keys Escape F10; expect "$T_LOGIN" "F10 logs out"
	keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
