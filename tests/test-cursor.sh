#!/bin/sh
# The terminal's cursor sits at the insertion point of the field being edited (where an input
# method opens its candidates), after Chinese text too, and is hidden on screens without one.
# usage: tests/test-cursor.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
base_sock=custody-cursor-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-cursor-XXXXXX")
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"


cursor() { tmux -L $sock display -p -t t '#{cursor_flag} #{cursor_x} #{cursor_y}'; }

# where TEXT: "x y" of the first column after TEXT on the screen (display columns, wc -L).
where() {
	screen | grep -n -F -- "$1" | head -1 | {
		IFS= read -r l || return
		pre=${l#*:}
		pre=${pre%%"$1"*}
		echo "$(printf '%s%s' "$pre" "$1" | LC_ALL=C.UTF-8 wc -L) $((${l%%:*} - 1))"
	}
}

# at TEXT WHAT: the cursor shows, right after TEXT.
at() {
	settle
	c=$(cursor); w=$(where "$1")
	ok $([ -n "$w" ] && [ "$c" = "1 $w" ]; echo $?) "$2: cursor \"$c\", after \"$1\" at \"$w\""
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
	start_console $base_sock-$lang "$L" "$d" 100 30
	for size in "100 30" "80 24"; do
		set -- $size
		tmux -L $sock resize-window -t t -x "$1" -y "$2"
		expect "$T_LOGIN" "the login screen at ${1}x${2}"
		type_text c1; at c1 "login at ${1}x${2}: in the operator field"
		keys Tab; type_text clerk-pass-1; at "************" "login: in the password field"
		keys Enter; expect "$T_HOME" "the home screen"
		settle; c=$(cursor)
		ok $([ "${c%% *}" = 0 ]; echo $?) "the home screen has no field: the cursor is hidden ($c)"
		keys 1; expect "$T_REGISTER" "the registration form"
		type_text 张三丰; at 张三丰 "register at ${1}x${2}: after the Chinese name"
		keys Left; settle; c=$(cursor); w=$(where 张三)
		ok $([ "$c" = "1 $w" ]; echo $?) "Left: the cursor is one wide character back ($c, $w)"
		keys Escape; settle; keys d; settle; keys F10
	done
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
