#!/bin/sh
# Screen test of what a failed write leaves behind (issue 13 §6), in tmux, zh_CN and en:
# fdatasync fails for real under the running console (libfiu: fiu-run -x, fiu-ctrl). The
# search saved then is reported failed and the journal's screen stays on top; F5 reopens the
# journal (the WAL is replayed): the notice says the search IS recorded and shows the
# operator's last event; the same form saved again is answered "already recorded", one
# event. Then a failed belongings list, a logout, the console left and started again: at the
# next login the notice comes before anything else.
# usage: tests/test-stopped.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
base_sock=custody-stop-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-stopped-XXXXXX")
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
# New strings: the translation or, until the catalogs are merged, the English.
SCREEN_MATCH=-E

count() { "$bin" log --data "$d" --kind "$1" | grep -c . ; }

start() {	# start LANG [under-fiu]
	sock=$base_sock-$lang
	if tmux -L $sock kill-server 2>/dev/null; then
		i=0; while tmux -L $sock has-session 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
		sleep 0.5	# the old server lets go of its socket
	fi
	pre=""
	# What fiu-run -x -f $d/fiu sets, by hand: a sanitizer's runtime must come first.
	[ -n "$2" ] && pre="FIU_ENABLE= FIU_CTRL_FIFO=$d/fiu LD_PRELOAD='$asan_rt /usr/lib/fiu/fiu_run_preload.so /usr/lib/fiu/fiu_posix_preload.so'"
	tmux -L $sock -u -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env LANG=$1 LC_ALL= LANGUAGE= TERM=screen-256color $pre $bin run --data $d; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}
# fiu COMMAND: to the console under fiu-run (its control fifo is $d/fiu-PID.in).
fiu() {
	i=0; while [ -z "$(ls "$d"/fiu-*.in 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	pid=$(ls "$d"/fiu-*.in | sed 's/.*fiu-\([0-9]*\)\.in$/\1/')
	fiu-ctrl -f "$d/fiu" -c "$1" "$pid"
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	d=$top/$lang
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null

	start "$L" fiu
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$(idnum 11010519800101001)"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys F2; expect "$T_SIGN" "registered, to signing"
	type_text 张三丰; keys Enter; expect "$T_VISIT" "signed"
	keys Escape; expect "张三丰" "the person is in the area"

	# The body search, saved while fdatasync fails.
	fiu "enable name=posix/io/sync/fdatasync,failinfo=5"
	keys 2; expect "$T_SEARCH" "the search form"
	type_text 110003; keys Tab Right Tab; type_text 110004; keys Tab; type_text "$T_HEALTH"
	keys F2
	expect "$T_STOP_TITLE" "a failed write: the journal's screen comes on top"
	expect "$T_STOP_BAR" "and the status line says the journal stopped"
	keys Escape Escape 2; settle
	expect "$T_STOP_TITLE" "nothing else while nothing can be written"
	ok $([ "$(count search.recorded)" = 0 ]; echo $?) "the search is not visible to another program"
	# F5 while fdatasync still fails: the close cannot checkpoint, the open replays the WAL.
	keys F5
	expect "$T_RECORDED_TITLE" "F5 reopens the journal: what was recorded"
	expect "$T_IS_RECORDED" "the search reported failed IS recorded"
	expect "$T_LAST_SEARCH" "the operator's last recorded event: the body search of 张三丰"
	fiu "disable name=posix/io/sync/fdatasync"
	keys Enter; expect "$T_SEARCH" "back to the search form, as it was"
	keys F2
	expect "$T_ALREADY" "the same form saved again: already recorded"
	ok $([ "$(count search.recorded)" = 1 ]; echo $?) "one search in the journal"
	expect "$T_SIGN" "and on to signing"
	type_text 张三丰; keys Enter; settle; keys Escape; settle

	# The belongings list fails; the clerk logs out and the console is left and restarted.
	fiu "enable name=posix/io/sync/fdatasync,failinfo=5"
	keys 3; type_text L07; keys Tab; type_text 110009; keys F2
	expect "$T_STOP_TITLE" "another failed write"
	keys F10; expect "$T_NOT_LOGGED_IN" "F10 logs out"
	expect "$T_STOP_TITLE" "the journal's screen stays over the login"
	keys F10; sleep 0.5
	start "$L"
	expect "$T_LOGIN" "the console started again"
	login c1 clerk-pass-1
	expect "$T_RECORDED_TITLE" "after the restart, at login: what was recorded, before anything else"
	expect "$T_IS_RECORDED" "the belongings list reported failed IS recorded"
	expect "$T_LAST_BELONGINGS" "the operator's last recorded event: the belongings"
	keys Enter; expect "$T_HOME" "Enter: the home screen"
	ok $([ "$(count belongings.logged)" = 1 ]; echo $?) "one belongings list"
	keys F10; expect "$T_LOGIN" "logged out"
	login c1 clerk-pass-1
	expect "$T_HOME" "the notice was seen: the next login goes straight home"
	screen | grep -qE "$T_RECORDED_TITLE"
	ok $([ $? -ne 0 ]; echo $?) "no notice the second time"
	"$bin" verify --data "$d" >/dev/null 2>&1
	ok $? "the journal verifies"
	keys F10; keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

# The sanitizer's runtime the console is linked with, if any (make check-asan).
asan_rt=$(ldd "$bin" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*libasan\.so[^ ]*\).*/\1/p' | head -1)
if ! command -v fiu-run >/dev/null || ! command -v fiu-ctrl >/dev/null; then
	echo "test-stopped: fiu-run and fiu-ctrl are missing (make deps installs fiu-utils)"
	echo "0 passed, 1 failed"
	exit 1
fi
for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
