#!/bin/sh
# Drafts (docs/console.md, "Drafts"): what a clerk typed survives Esc (asked first), a lock, a
# SIGKILL and a restart; discarding really discards; the recorded act drops its draft, and a
# draft whose act was recorded before a crash is not recorded twice; an inventory's thousands
# of reads survive Esc and a crash the same way. The real binary in tmux, both languages.
# usage: tests/test-drafts.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
base_sock=custody-dtest-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-drafts-XXXXXX")
simpids=""
langs="$*"
[ -n "$langs" ] || langs="zh_CN en"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; tmux -L $base_sock-$l-p kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

cmdline() { echo "env LANG=$L LC_ALL= LANGUAGE= TERM=screen-256color CUSTODY_TEST_CLOCK_MS=1795000000000 $bin run --data $d; sleep 30"; }
start() {	# start COLS ROWS: a tmux server for this language and data directory
	tmux -L $sock -u -f /dev/null new-session -d -s t -x "$1" -y "$2" "$(cmdline)"
	tmux -L $sock set-option -t t status off >/dev/null
}
# The console killed with SIGKILL (no chance to save anything), then started again.
crash() {
	pane=$(tmux -L $sock display-message -p -t t '#{pane_pid}')
	pid=$(pgrep -P "$pane" | head -1)
	[ -n "$pid" ] && kill -9 "$pid"
	i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
relaunch() { tmux -L $sock respawn-pane -k -t t "$(cmdline)"; }
count() { "$bin" log --data "$d" --kind "$1" | grep -c . ; }
sim() { printf '%s\n' "$1" > "$d/sim"; }
not_on_screen() { screen | grep -qF -- "$1"; [ $? -ne 0 ]; echo $?; }
# The visit of 张三丰 from the home screen, by a fragment of the name.
open_visit() {
	keys /; type_text 三丰; keys Enter; expect "$good" "find lists the person"
	keys Enter; expect "$T_VISIT" "the visit opens"
}

strings() {
	case $lang in
	zh_CN) L=zh_CN.UTF-8; T_LOGIN=登录; T_HOME=办案区内人员; T_REGISTER=入区登记
		T_LEAVE="离开此表单？"; T_KEPT="草稿已保留"; T_RESTORED="已恢复此表单的草稿"
		T_DISCARDED="草稿已丢弃"; T_SIGN="签名："; T_VISIT="张三丰 的入区记录"
		T_SEARCH=人身检查; T_HEALTH=自述身体健康; T_INJURY=左臂擦伤; T_ETHNIC=汉
		T_ALREADY="已于 "; T_LOCKED="已锁定"; T_INVKEPT="盘点已保留为草稿"
		T_INVRESTORED="已恢复进行中的盘点"; T_ABANDONED="已放弃盘点"; T_INVREC="盘点已记录" ;;
	*) L=en_US.UTF-8; T_LOGIN="Log in"; T_HOME="People in the area"
		T_REGISTER="Entry registration"; T_LEAVE="Leave this form?"; T_KEPT="Draft kept"
		T_RESTORED="The draft of this form was restored"; T_DISCARDED="Draft discarded"
		T_SIGN="Sign:"; T_VISIT="Visit of 张三丰"; T_SEARCH="Body search"
		T_HEALTH="says healthy"; T_INJURY="scratch on the left arm"; T_ETHNIC=Han
		T_ALREADY="Already recorded at"; T_LOCKED="Locked"; T_INVKEPT="Inventory kept as a draft"
		T_INVRESTORED="The inventory in progress was restored"
		T_ABANDONED="Inventory abandoned"; T_INVREC="Inventory recorded" ;;
	esac
}

intake_desk() {
	d=$top/$lang
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nclerk-pass-2\n' | "$bin" operator add --data "$d" --id c2 --name 周敏 --role clerk --by a0 >/dev/null
	sock=$base_sock-$lang
	start 100 30
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"

	# Esc on a registration with a name asks; Enter keeps the draft; it comes back.
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Escape
	expect "$T_LEAVE" "Esc on a form with input asks before leaving"
	keys Escape; settle
	ok $(screen | grep -qF 张三丰; echo $?) "Esc in the question stays on the form"
	keys Escape; expect "$T_LEAVE" "asked again"
	keys Enter; expect "$T_KEPT" "Enter keeps the draft and leaves"
	expect "$T_HOME" "back on the home screen"
	keys 1; expect "$T_RESTORED" "the draft is restored on opening the registration again"
	expect 张三丰 "with the name typed before"

	# D discards: the next registration opens empty, and an empty form leaves unasked.
	keys Escape; expect "$T_LEAVE" "asked before leaving"
	keys d; expect "$T_DISCARDED" "D discards the draft"
	keys 1; expect "$T_REGISTER" "the registration form again"
	settle
	ok $(not_on_screen 张三丰) "a discarded draft does not come back"
	keys Escape; settle
	ok $(not_on_screen "$T_LEAVE") "an untouched form leaves without a question"
	expect "$T_HOME" "home"

	# Registered: the saved act drops the registration's draft.
	good=$(idnum 11010519800101001)
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$good"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	sleep 1.5	# the tick keeps the draft
	keys F2
	expect "$T_SIGN" "the registration is recorded and goes to signing"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens"
	keys Escape; expect "$T_HOME" "home"
	keys 1; expect "$T_REGISTER" "a new registration"
	settle
	ok $(not_on_screen "$good") "the recorded registration left no draft"
	keys Escape; settle

	# The search: officers, health note and an injury survive a SIGKILL and a restart.
	open_visit
	keys 2; expect "$T_SEARCH" "the search form"
	type_text 110003; keys Tab Right Tab; type_text 110004; keys Tab; type_text "$T_HEALTH"
	keys Tab Enter; settle
	type_text 左臂; keys Tab; type_text "$T_INJURY"; keys F2
	expect "$T_INJURY" "the injury is listed"
	sleep 1.5	# the draft is written each second
	crash; relaunch
	expect "$T_LOGIN" "the console starts again after the kill"
	login c1 clerk-pass-1; expect "$T_HOME" "home after the restart"
	open_visit
	keys 2; expect "$T_SEARCH" "the search form after the crash"
	expect "$T_RESTORED" "the search's draft is restored after the crash"
	expect "$T_HEALTH" "with the health statement"
	expect "$T_INJURY" "with the injury"
	expect 110004 "with the witness"
	ok $(screen | grep -qF 110003; echo $?) "with the searching officer"
	# Kept aside: the draft as it was before the save, for the crash-after-save below.
	sleep 1.5
	mkdir -p "$d/kept"; cp "$d"/drafts.db* "$d/kept/"

	# Esc keeps it, the visit page is back, the search comes back again.
	keys Escape; expect "$T_LEAVE" "Esc on the search asks"
	keys Enter; expect "$T_VISIT" "kept: back on the visit"
	keys 2; expect "$T_RESTORED" "restored again"
	expect "$T_INJURY" "the injury too"

	# Saved: recorded once, the draft dropped.
	keys F2; expect "$T_SIGN" "the search is recorded and goes to signing"
	type_text 张三丰; keys Enter; settle; keys Escape; settle
	ok $([ "$(count search.recorded)" = 1 ]; echo $?) "search.recorded once in the journal"
	"$bin" log --data "$d" --kind search.recorded | grep -qF "$T_INJURY"
	ok $? "with the injury typed before the crash"
	keys Escape; settle
	expect "$T_HOME" "home"
	open_visit
	keys 2; expect "$T_SEARCH" "the search form again"
	settle
	ok $(not_on_screen "$T_HEALTH") "the recorded search left no draft"
	keys Escape; settle; keys Escape; settle

	# A crash after the save but before the draft was dropped: the draft comes back with
	# its action id, and saving it again records nothing twice.
	crash
	rm -f "$d"/drafts.db*; cp "$d"/kept/drafts.db* "$d/"
	relaunch
	expect "$T_LOGIN" "started again"
	login c1 clerk-pass-1; expect "$T_HOME" "home"
	open_visit
	keys 2; expect "$T_SEARCH" "the search form"
	expect "$T_RESTORED" "the stale draft is restored"
	keys F2; expect "$T_ALREADY" "saving it says it was already recorded"
	ok $([ "$(count search.recorded)" = 1 ]; echo $?) "nothing is recorded twice"
	keys Escape; settle; keys Escape; settle

	# The idle lock: the form stays under it; unlocked by someone else, the draft is kept.
	crash
	printf '[console]\nidle_lock = 3s\n' > "$d/custody.conf"
	relaunch
	expect "$T_LOGIN" "started with a 3 s idle lock"
	login c1 clerk-pass-1; expect "$T_HOME" "home"
	keys 1; expect "$T_REGISTER" "a registration"
	type_text 李四
	expect "$T_LOCKED" "the console locks itself"
	type_text clerk-pass-1; keys Enter	# the lock has the operator's id, asks the password
	expect 李四 "unlocked by the same clerk, the form is as it was"
	expect "$T_LOCKED" "locked again"
	keys BTab C-u; login c2 clerk-pass-2
	expect "$T_HOME" "another clerk starts afresh"
	keys 1; expect "$T_RESTORED" "and finds the registration's draft"
	expect 李四 "with its name"
	keys F10; settle; keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

# The inventory's eight counts, in screen order (tests/test-property-screens.sh).
counts() { screen | sed -n '4,11p' | awk '{ print $NF }' | tr '\n' ' ' | sed 's/ $//'; }
wait_counts() {	# wait_counts PATTERN (grep -E) for up to 60 s
	i=0
	while [ $i -lt 1200 ]; do
		counts | grep -qE -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
inventory() { keys i; settle; keys C-u; type_text A/01; keys F2; settle; }

property_room() {
	d=$top/$lang-p
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t2 --room property --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nkeeper-pass-1\n' | "$bin" operator add --data "$d" --id k1 --name 赵库 --role keeper --by a0 >/dev/null
	printf '[device.uhf]\nport = %s/dev/uhf\n' "$d" > "$d/custody.conf"
	"$simbin" --links "$d/dev" --control "$d/sim" </dev/null >/dev/null 2>"$d/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$d/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	sock=$base_sock-$lang-p
	start 110 45
	sleep 1
	login k1 keeper-pass-1
	expect "赵库" "the keeper is logged in"
	keys c; settle; type_text A; keys Tab; type_text 01; keys F2; settle

	# 3,000 unknown tags read, then Esc: asked; kept; the same counts come back.
	sim "uhf tags 3000 E2AA"
	inventory
	wait_counts '^0 0 0 0 3000 0 '
	ok $? "3,000 tags read"
	sim "uhf clear"; sleep 1.5
	c1=$(counts)
	keys Escape; expect "$T_LEAVE" "Esc on an inventory with reads asks"
	keys Enter; expect "$T_INVKEPT" "Enter keeps the reads as a draft"
	inventory
	expect "$T_INVRESTORED" "the inventory goes on from its draft"
	ok $([ "$(counts)" = "$c1" ]; echo $?) "with the same counts ($c1 / $(counts))"

	# A SIGKILL and a restart.
	sleep 1.5
	crash; relaunch; sleep 1
	expect "$T_LOGIN" "started again"
	login k1 keeper-pass-1; expect "赵库" "logged in"
	inventory
	expect "$T_INVRESTORED" "restored after the crash"
	ok $([ "$(counts)" = "$c1" ]; echo $?) "with the same counts ($c1 / $(counts))"

	# D discards them.
	keys Escape; expect "$T_LEAVE" "asked"
	keys d; expect "$T_ABANDONED" "D abandons the inventory"
	inventory; settle
	ok $(not_on_screen "$T_INVRESTORED") "a discarded inventory does not come back"
	ok $(counts | grep -qE '^0 0 0 0 0 0 0 0$'; echo $?) "and starts from nothing ($(counts))"

	# Recorded: the draft is dropped.
	sim "uhf tags 5 E2BB"
	wait_counts '^0 0 0 0 5 0 '
	ok $? "five tags read"
	sim "uhf clear"; sleep 1.5
	keys F2; expect "$T_INVREC" "the inventory is recorded"
	ok $([ "$(count inventory.completed)" = 1 ]; echo $?) "inventory.completed in the journal"
	keys Escape; settle
	inventory; settle
	ok $(not_on_screen "$T_INVRESTORED") "a recorded inventory leaves no draft"
	keys Escape; settle
	keys F10; settle; keys F10; sleep 0.3
	tmux -L $sock kill-server 2>/dev/null
}

for lang in $langs; do
	strings
	intake_desk
	property_room
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
