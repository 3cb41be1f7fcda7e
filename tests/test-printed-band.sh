#!/bin/sh
# The numbers printed on EM4100 bands (issue 16), on the screen: 张三 is registered with
# NITGEN's card typed in hex (08:01:16:1D:D6); his visit shows its printed forms beside the
# hex; the Wiegand-26 number printed on it (022,07638) finds him; the 10-digit decimal printed
# on it (0018226646), typed for 李四, is that same band, so it is refused as 张三's; and ten
# digits no band here has are refused with a message saying how to type hex.
# usage: tests/test-printed-band.sh BUILD_DIR language...
build=$(cd "$1" && pwd)
shift
bin=$build/custody
base_sock=custody-printed-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-printed-XXXXXX")
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

# register NAME ID17 BAND: the registration form, up to F2.
register() {
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text "$1"; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$(idnum "$2")"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
	keys Tab Tab; type_text "$3"; keys F2
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8; T_UNKNOWN_PRINTED="本终端没有印有此号码的手环" ;;
	*) L=en_US.UTF-8; T_UNKNOWN_PRINTED="no band this terminal knows has this printed number" ;;
	esac
	. "tests/screens/$lang.txt"
	sock=$base_sock-$lang
	d=$top/$lang
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	tmux -L $sock -u -f /dev/null new-session -d -s t -x 130 -y 30 \
		"env LANG=$L LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1; expect "$T_HOME" "home"

	register 赵五 11010519800101061 0018226646
	expect "$T_UNKNOWN_PRINTED" "ten digits of no band here: refused, saying so"
	keys Escape; settle; keys d; expect "$T_HOME" "home again"

	register 张三 11010519800101011 08:01:16:1D:D6
	expect "$T_SIGN" "the registration goes to signing"
	type_text 张三; keys Enter
	expect "$(printf "$T_VISIT_OF" 张三)" "the visit opens after signing"
	expect "0801161DD6 (0018226646 · 022,07638)" "the visit shows the band and its printed forms"
	ok $("$bin" log --data "$d" --kind person.registered | grep -q '"band":"0801161DD6"'; echo $?) \
		"the band is recorded in its normal form, 10 hex digits"
	keys Escape; expect "$T_HOME" "back home"

	keys /; settle; type_text 022,07638; keys Enter; expect "1 " "find lists one person"
	keys Enter
	expect "$(printf "$T_VISIT_OF" 张三)" "the Wiegand-26 number printed on the band finds 张三"
	keys Escape; settle; keys Escape; settle
	expect "$T_HOME" "home"

	register 李四 11010519800101003 0018226646
	expect "$T_BAND_TAKEN 张三" "the printed decimal typed for 李四 is 张三's band: refused"
	ok $([ "$("$bin" log --data "$d" --kind person.registered | grep -c .)" = 1 ]; echo $?) \
		"one person.registered only"
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
