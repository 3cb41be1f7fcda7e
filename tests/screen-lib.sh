# The helpers every screen test shares (sourced): the console in tmux on socket $sock, keys
# sent to it, what it shows read back and checked. A test sets sock, lang and counts with ok.
# SCREEN_MATCH is the grep flag for wait_for's pattern: -F (text, the default) or -E.
passed=0
failed=0

# The start every screen test makes: screen_test_begin NAME BUILD_DIR language... sets bin,
# simbin, localedir, base_sock, sock, top, langs and simpids, and cleans up at exit.
screen_test_begin() {
	name=$1
	build=$2
	shift 2
	bin=$(cd "$build" && pwd)/custody
	simbin=$(cd "$build" && pwd)/custody-sim
	localedir=$(cd "$build" && pwd)/locale
	base_sock=custody-$name-$$
	sock=$base_sock
	top=$(mktemp -d "${TMPDIR:-/tmp}/custody-$name-XXXXXX")
	simpids=""
	langs="$*"
	trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
}

ok() {	# ok CONDITION-EXIT-STATUS "what"
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL [$lang] $2"
		echo "---- screen:"
		tmux -L $sock capture-pane -p -t t 2>/dev/null | sed 's/^/| /'
	fi
}

screen() { tmux -L $sock capture-pane -p -t t; }

# wait_for PATTERN: up to 5 s for it on the screen; status 0 when it came.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -q "${SCREEN_MATCH:--F}" -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# expect PATTERN WHAT
expect() { wait_for "$1"; ok $? "$2 (expected \"$1\")"; }

keys() { tmux -L $sock send-keys -t t "$@"; }
type_text() { tmux -L $sock send-keys -t t -l -- "$1"; }
# settle: let the console draw what the last keys did.
settle() { sleep 0.3; }
login() { type_text "$1"; keys Tab; type_text "$2"; keys Enter; }

idnum() {	# the 18-character number for 17 digits (GB 11643 check character)
	sum=0; i=0
	for w in 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; do
		digit=$(printf '%s' "$1" | cut -c$((i + 1)))
		sum=$((sum + digit * w)); i=$((i + 1))
	done
	printf '%s%s\n' "$1" "$(printf '10X98765432' | cut -c$((sum % 11 + 1)))"
}

# ---- helpers of the tests that drive devices (a test sets bin, simbin, localedir, lang, d) ----

# tr_ MSGID: what the console shows for a message in $lang (the English while untranslated).
tr_() { LC_ALL=C.UTF-8 LANGUAGE=$lang TEXTDOMAINDIR=$localedir gettext custody "$1"; }

# start_console SOCKET LANG DATA-DIR COLS ROWS: the console in a detached tmux, on a fixed clock.
start_console() {
	sock=$1
	tmux -L $sock -u -f /dev/null new-session -d -s t -x "$4" -y "$5" \
		"env LANG=$2 LC_ALL= LANGUAGE= TERM=screen-256color CUSTODY_TEST_CLOCK_MS=1795000000000 $bin run --data $3; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}

# start_sim DATA-DIR: custody-sim with its links in DATA-DIR/dev; sim CMD talks to it ($d).
start_sim() {
	"$simbin" --links "$1/dev" --control "$1/sim" </dev/null >/dev/null 2>"$1/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$1/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
sim() { printf '%s\n' "$1" > "$d/sim"; }

# wait_journal KIND PATTERN: up to 10 s for an event of KIND matching PATTERN in $d.
wait_journal() {
	i=0
	while [ $i -lt 100 ]; do
		"$bin" log --data "$d" --kind "$1" | grep -q -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# register_person BAND [AT-SIGNING [AT-VISIT]]: 张三丰 registered through the form with BAND tapped and
# docked, signed, back on the home screen (the tests/screens/LANG.txt words); AT-SIGNING, a
# command, runs on the signing screen, AT-VISIT on the visit it opens.
register_person() {
	good=$(idnum 11010519800101001)
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 张三丰; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$good"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys Tab Tab; sim "em4100 tap $1"
	expect "$1" "the band tapped fills the band field"
	sim "dock present 1 $1"; settle
	keys F2
	expect "$T_SIGN" "the registration goes to signing"
	[ -z "$2" ] || eval "$2"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens after signing"
	[ -z "$3" ] || eval "$3"
	keys Escape; expect "$T_HOME" "back home"; expect "张三丰" "the person is in the area list"
}
