# The desk of the screen tests that take one person through the loop (sourced after
# screen-lib.sh): a terminal with a clerk and a supervisor, its simulated devices, the console
# in tmux. Uses bin, simbin, top, base_sock, lang; sets sock, d, simpids.
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
	for dev in pn532 em4100 fingerprint uhf dock idcard; do
		printf '[device.%s]\nport = %s/dev/%s\n' "$dev" "$d" "$dev"
	done > "$d/custody.conf"
	echo "$d"
}

start_sim() {
	"$simbin" --links "$1/dev" --control "$1/sim" </dev/null >/dev/null 2>"$1/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$1/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
sim() { printf '%s\n' "$1" > "$d/sim"; }
journal_has() { "$bin" log --data "$1" --kind "$2" | grep -c . ; }

