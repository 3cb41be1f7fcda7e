#!/bin/sh
# Screen test of the sync part of the status line: the console in tmux on an enrolled terminal
# shows "sync ✓", then "offline N (age)" while the ledger is down and another process writes,
# then "sync ✓" again once the ledger is back. Real custody-ledger, real TLS on loopback.
# usage: tests/test-syncline.sh BUILD_DIR
build=$(cd "$1" && pwd)
bin=$build/custody
ledger=$build/custody-ledger
passed=0
failed=0
sock=custody-syncline-$$
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-syncline-XXXXXX")
lpid=""
trap 'tmux -L $sock kill-server 2>/dev/null; tmux -L $sock-2 kill-server 2>/dev/null; [ -n "$lpid" ] && kill $lpid 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/ledger-lib.sh"

ok() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $2"
		tmux -L $sock capture-pane -p -t t 2>/dev/null | head -2 | sed 's/^/| /'
	fi
}

# wait_for TEXT SECONDS: TEXT on the status line within SECONDS.
wait_for() {
	i=0
	while [ $i -lt $(($2 * 20)) ]; do
		tmux -L $sock capture-pane -p -t t 2>/dev/null | head -1 | grep -qF -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# serve PORT: the ledger in the background; sets port from its log.
serve() { ledger_serve "$top" "$top" "$1"; }

tls_certs "$top" || exit 1

serve 0 || exit 1
d=$top/t1
printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
tok=$("$ledger" token --db "$top/ledger.db" --terminal t1)
printf '%s\n' "$tok" | "$bin" enroll --data "$d" --ledger "https://127.0.0.1:$port" --ca "$top/ca.pem" >/dev/null
ok $? "custody enroll"

tmux -L $sock -u -f /dev/null new-session -d -s t -x 160 -y 30 \
	"env LANG=C.UTF-8 LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d; sleep 30"
tmux -L $sock set-option -t t status off >/dev/null
wait_for "sync ✓" 10; ok $? "the status line shows sync ✓"

kill $lpid; wait $lpid 2>/dev/null; lpid=""
# A copy of the ledger's database while it is stopped: put back at the end, as a restore from an
# old backup would.
cp "$top/ledger.db" "$top/ledger-backup.db"
[ -f "$top/ledger.db-wal" ] && cp "$top/ledger.db-wal" "$top/ledger-backup.db-wal"
printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
ok $? "another process writes events"
# Two: a0's login that opens the center key (login.succeeded), and the operator.added.
wait_for "offline 2 (0m)" 20; ok $? "offline with a backlog of 2, 0 minutes old"

serve "$port" || exit 1
wait_for "sync ✓" 30; ok $? "back online: sync ✓ and nothing unsent"
"$bin" sync --data "$d" --status | grep -q "unsent: 0"; ok $? "custody sync --status agrees"

# A second terminal: the clerk added on t1 only logs in there, once the ledger has carried
# the operator.added event across.
d2=$top/t2
"$bin" init --data "$d2" --terminal t2 --room exit >/dev/null
tok=$("$ledger" token --db "$top/ledger.db" --terminal t2)
printf '%s\n' "$tok" | "$bin" enroll --data "$d2" --ledger "https://127.0.0.1:$port" --ca "$top/ca.pem" >/dev/null
ok $? "custody enroll of a second terminal"
sock1=$sock; sock=$sock-2
tmux -L $sock -u -f /dev/null new-session -d -s t -x 160 -y 30 \
	"env LANG=C.UTF-8 LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d2; sleep 30"
tmux -L $sock set-option -t t status off >/dev/null
wait_for "sync ✓" 20; ok $? "the second terminal is online"
i=0
until "$bin" log --data "$d2" --kind operator.added | grep -q '"c1"' || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
tmux -L $sock send-keys -t t -l c1; tmux -L $sock send-keys -t t Tab
tmux -L $sock send-keys -t t -l clerk-pass-1; tmux -L $sock send-keys -t t Enter
j=0
until tmux -L $sock capture-pane -p -t t | grep -qF "People in the area" || [ $j -ge 100 ]; do
	sleep 0.05; j=$((j + 1))
done
tmux -L $sock capture-pane -p -t t | grep -qF "People in the area"
ok $? "the clerk added on t1 logs in at t2"
sock=$sock1

# A third terminal whose clock is two hours slow: it syncs anyway, with the ledger's time, and
# the status line says how far off its clock is.
d3=$top/t3
"$bin" init --data "$d3" --terminal t3 --room waiting >/dev/null
tok=$("$ledger" token --db "$top/ledger.db" --terminal t3)
printf '%s\n' "$tok" | "$bin" enroll --data "$d3" --ledger "https://127.0.0.1:$port" --ca "$top/ca.pem" >/dev/null
slow=$(( ($(date +%s) - 7200) * 1000 ))
sock1=$sock; sock=$sock-3
trap 'tmux -L $sock1 kill-server 2>/dev/null; tmux -L $sock1-2 kill-server 2>/dev/null; tmux -L $sock1-3 kill-server 2>/dev/null; [ -n "$lpid" ] && kill $lpid 2>/dev/null; rm -rf "$top"' EXIT
tmux -L $sock -u -f /dev/null new-session -d -s t -x 160 -y 30 \
	"env CUSTODY_TEST_CLOCK_MS=$slow LANG=C.UTF-8 LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d3; sleep 30"
tmux -L $sock set-option -t t status off >/dev/null
wait_for "clock -2h" 20; ok $? "a clock 2 h slow: online, and the status line says clock -2h"
tmux -L $sock capture-pane -p -t t | head -1 | grep -qF "sync ✓"; ok $? "and everything is sent"
"$bin" log --data "$d3" --kind clock.skew | grep -q offset_ms; ok $? "the skew is a clock.skew event"
sock=$sock1

# A rogue terminal (issue 13 §1 and §5): it founded a center of its own, so the ledger, which
# holds t1's center, refuses its administrator as no_authority. The refusal is not progress:
# the status line turns red and says so, and nothing is lost.
d4=$top/t4
printf 'rogue-pass-1\n' | "$bin" init --data "$d4" --terminal t4 --room exit --admin a0 \
	--admin-name 冒充者 >/dev/null
tok=$("$ledger" token --db "$top/ledger.db" --terminal t4)
printf '%s\n' "$tok" | "$bin" enroll --data "$d4" --ledger "https://127.0.0.1:$port" --ca "$top/ca.pem" >/dev/null
sock=$sock1-4
trap 'for s in $sock1 $sock1-2 $sock1-3 $sock1-4; do tmux -L $s kill-server 2>/dev/null; done; [ -n "$lpid" ] && kill $lpid 2>/dev/null; rm -rf "$top"' EXIT
tmux -L $sock -u -f /dev/null new-session -d -s t -x 160 -y 30 \
	"env LANG=C.UTF-8 LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d4; sleep 30"
tmux -L $sock set-option -t t status off >/dev/null
wait_for "push refused: no_authority" 20; ok $? "a push the ledger refuses: the status line says push refused: no_authority"
tmux -L $sock capture-pane -e -p -t t | head -1 | grep -q "41m\|41;"; ok $? "and the status line is red"
"$bin" sync --data "$d4" --status >/dev/null 2>&1; [ $? -eq 1 ]; ok $? "custody sync --status exits 1 while the refusal stands"
"$bin" log --data "$d4" --kind sync.refused | grep -q no_authority; ok $? "the refusal is a sync.refused event"
sock=$sock1

# The ledger restored from that old copy of its database (issue 14): t1 had verified a bigger
# tree of the ledger's log. Its console refuses the log: the status line turns red and says
# why, the board shows the red alert, custody sync --status exits 1; an administrator trusts
# the log again and the line is back to sync ✓.
kill $lpid; wait $lpid 2>/dev/null; lpid=""
rm -f "$top/ledger.db-wal" "$top/ledger.db-shm"
cp "$top/ledger-backup.db" "$top/ledger.db"
[ -f "$top/ledger-backup.db-wal" ] && cp "$top/ledger-backup.db-wal" "$top/ledger.db-wal"
serve "$port" || exit 1
wait_for "ledger log refused: smaller" 30; ok $? "a ledger restored from an old backup: the status line says ledger log refused: smaller"
tmux -L $sock capture-pane -e -p -t t | head -1 | grep -q "41m\|41;"; ok $? "and the status line is red"
"$bin" sync --data "$d" --status >"$top/status.out" 2>&1; [ $? -eq 1 ]; ok $? "custody sync --status exits 1 while the log is refused"
grep -q "LEDGER LOG REFUSED.*fewer than" "$top/status.out"; ok $? "and says so, with the sizes"
"$bin" log --data "$d" --kind sync.log_refused | grep -q '"code":"smaller"'; ok $? "the refusal is a sync.log_refused event"
printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
tmux -L $sock send-keys -t t -l s1; tmux -L $sock send-keys -t t Tab
tmux -L $sock send-keys -t t -l super-pass-1; tmux -L $sock send-keys -t t Enter
j=0
until tmux -L $sock capture-pane -p -t t | grep -qF "People in the area" || [ $j -ge 100 ]; do
	sleep 0.05; j=$((j + 1))
done
tmux -L $sock send-keys -t t B; sleep 0.3; tmux -L $sock send-keys -t t A
j=0
until tmux -L $sock capture-pane -p -t t | grep -qF "the ledger's log failed this terminal's check" || [ $j -ge 100 ]; do
	sleep 0.05; j=$((j + 1))
done
tmux -L $sock capture-pane -p -t t | grep -F "the ledger's log failed this terminal's check" | grep -qF "red"
ok $? "the board's open alerts show the red log_inconsistent alert"
printf 'clerk-pass-1\n' | "$bin" sync --data "$d" --trust-log --by c1 >/dev/null 2>&1; [ $? -ne 0 ]
ok $? "a clerk cannot trust the log again"
printf 'admin-pass-0\n' | "$bin" sync --data "$d" --trust-log --by a0 | grep -q "trusted again"
ok $? "the administrator trusts the log again"
wait_for "sync ✓" 30; ok $? "and the console's next round is back to sync ✓"
"$bin" log --data "$d" --kind sync.log_trusted | grep -q '"operator":"a0"'; ok $? "recorded as sync.log_trusted by a0"
sock=$sock1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
