#!/bin/sh
# One band, one person (issue 15), on the screen: a band typed in lower case is refused while
# the same band, typed in upper case, is worn; two terminals cut off from the ledger each bind
# that band to someone; once they sync, the supervisor's conflict queue (from the home screen
# and the board) lists the conflict with both people, and resolving it empties the queue.
# Real consoles in tmux, a real custody-ledger on loopback TLS.
# usage: tests/test-ids.sh BUILD_DIR language...
build=$(cd "$1" && pwd)
shift
bin=$build/custody
ledger=$build/custody-ledger
base_sock=custody-ids-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-ids-XXXXXX")
lpid=""
trap 'tmux -L $sock kill-server 2>/dev/null; [ -n "$lpid" ] && kill $lpid 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
. "$(dirname "$0")/ledger-lib.sh"

serve() { ledger_serve "$top" "$1" "$2"; }
unserve() { kill $lpid; wait $lpid 2>/dev/null; lpid=""; }

# console DATA-DIR: the console of a terminal in tmux (one at a time, on $sock).
console() {
	tmux -L $sock kill-server 2>/dev/null
	tmux -L $sock -u -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env LANG=$L LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $1; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}

# register NAME ID17 BAND: the registration form, up to F2.
register() {
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text "$1"; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$(idnum "$2")"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys Tab Tab; type_text "$3"; keys F2
}

# signed NAME: the person signs the registration; back to the home screen.
signed() {
	expect "$T_SIGN" "the registration goes to signing"
	type_text "$1"; keys Enter
	expect "$(printf "$T_VISIT_OF" "$1")" "the visit opens after signing"
	keys Escape; expect "$T_HOME" "back home"
}

tls_certs "$top" || exit 1

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	. "tests/screens/$lang.txt"
	sock=$base_sock-$lang
	w=$top/$lang
	mkdir -p "$w"
	serve "$w" 0 || return
	d1=$w/t1
	d2=$w/t2
	printf 'admin-pass-0\n' | "$bin" init --data "$d1" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d1" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d1" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
	"$bin" init --data "$d2" --terminal t2 --room intake >/dev/null
	for t in t1 t2; do
		tok=$("$ledger" token --db "$w/ledger.db" --terminal $t)
		printf '%s\n' "$tok" | "$bin" enroll --data "$w/$t" --ledger "https://127.0.0.1:$port" --ca "$top/ca.pem" >/dev/null
		ok $? "custody enroll $t"
	done
	"$bin" sync --data "$d1" --once >/dev/null
	"$bin" sync --data "$d2" --once >/dev/null
	ok $? "t2 learns t1's operators"
	unserve	# from here on, the two terminals cannot see each other

	# t1: 张三 wears band 0A0B0C0D0E; the same band typed in lower case is refused.
	console "$d1"
	expect "$T_LOGIN" "t1: the login screen"
	login c1 clerk-pass-1; expect "$T_HOME" "t1: home"
	register 张三 11010519800101001 0A0B0C0D0E
	signed 张三
	register 李四 11010519800101003 0a0b0c0d0e
	expect "$T_BAND_TAKEN 张三" "t1: the same band typed in lower case is refused"
	screen | grep -qF "$T_SIGN"
	ok $([ $? -ne 0 ]; echo $?) "t1: and nothing goes to signing"
	ok $([ "$("$bin" log --data "$d1" --kind person.registered | grep -c .)" = 1 ]; echo $?) \
		"t1: one person.registered only"
	keys Escape; settle; keys d; expect "$T_HOME" "t1: home again"
	register 李四 11010519800101003 0a0b0c0d0x
	expect "$T_BAND_BAD" "t1: a band that is not hex is refused with a clear message"
	tmux -L $sock kill-server 2>/dev/null

	# t2, offline: 李四 is given the same band, typed in lower case.
	console "$d2"
	expect "$T_LOGIN" "t2: the login screen"
	login c1 clerk-pass-1; expect "$T_HOME" "t2: home"
	register 李四 11010519800101003 0a0b0c0d0e
	signed 李四
	ok $("$bin" log --data "$d2" --kind person.registered | grep -q '"band":"0A0B0C0D0E"'; echo $?) \
		"t2: the band is recorded in its normal form"
	tmux -L $sock kill-server 2>/dev/null

	# The ledger is back: the terminals meet, and each notices the conflict.
	serve "$w" "$port" || return
	"$bin" sync --data "$d1" --once >/dev/null
	env LANG=C.UTF-8 LC_ALL= LANGUAGE= "$bin" sync --data "$d2" --once > "$w/sync2.out"
	ok $(grep -q "conflicts of ids between terminals recorded: 1" "$w/sync2.out"; echo $?) \
		"t2: custody sync says it recorded one conflict"
	"$bin" sync --data "$d1" --once >/dev/null
	ok $([ "$("$bin" log --data "$d1" --kind conflict.detected | grep -c .)" -ge 1 ]; echo $?) \
		"t1: conflict.detected in the journal"

	# The supervisor at t1: the queue from home and from the board.
	console "$d1"
	expect "$T_LOGIN" "t1: the login screen again"
	login s1 super-pass-1; expect "$T_HOME" "t1: the supervisor's home"
	expect "$T_KEY_CONFLICTS" "the home key line offers the conflict queue"
	keys B; expect "$T_BOARD_CONFLICTS" "the board counts the open conflict"
	expect "$T_KEY_CONFLICTS" "the board's key line offers the conflict queue"
	keys C; expect "$T_QUEUE" "C opens the conflict queue"
	expect "0A0B0C0D0E" "the band in conflict is listed"
	expect "1 张三 · " "the first side: 张三"
	expect "2 李四 · " "the second side: 李四"
	expect "$T_HOLDS" "each still holds it"
	tmux -L $sock resize-window -t t -x 80 -y 24; settle
	expect "2 李四 · " "at 80×24 both sides still show"
	screen | tail -1 | grep -qF "$T_KEY_FIRST"; ok $? "and the key line"
	tmux -L $sock resize-window -t t -x 100 -y 30; settle
	keys 1; expect "$T_KEEPS" "1: the approval of 张三 keeping the band"
	type_text s1; keys Tab; type_text super-pass-1; keys Tab; type_text "$T_RESOLVE_REASON"; keys F2
	expect "$T_RESOLVED" "the conflict is resolved"
	expect "$T_NONE" "the queue is empty"
	ok $([ "$("$bin" log --data "$d1" --kind conflict.resolved | grep -c .)" = 1 ]; echo $?) \
		"conflict.resolved in the journal"
	ok $("$bin" log --data "$d1" --kind band.unbound | grep -q 0A0B0C0D0E; echo $?) \
		"李四's band is unbound by an event"
	keys Escape; settle
	screen | grep -qF "$T_BOARD_CONFLICTS"
	ok $([ $? -ne 0 ]; echo $?) "the board no longer counts a conflict"
	tmux -L $sock kill-server 2>/dev/null
	unserve
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
