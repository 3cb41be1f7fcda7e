# The helpers every screen test shares (sourced): the console in tmux on socket $sock, keys
# sent to it, what it shows read back and checked. A test sets sock, lang and counts with ok.
# SCREEN_MATCH is the grep flag for wait_for's pattern: -F (text, the default) or -E.
passed=0
failed=0

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
