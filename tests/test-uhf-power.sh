#!/bin/sh
# The keeper sets the UHF reader's transmit power from the inventory screen (issue 16), through
# the real driver and custody-sim's module on a pty: the screen shows the module's power
# (26.00 dBm out of the box); W with 30 dBm is refused at the field; W with 20 dBm is set,
# confirmed by reading it back from the module and shown; the reader goes on reading, and the
# tag's RSSI in the simulator follows the lower power.  A power the module refuses (custody-sim
# "uhf refuse 17") is said with the module's code; a power the module never answers ("uhf mute
# on") is said as not answered, not as a refusal "error 00".
# usage: tests/test-uhf-power.sh BUILD_DIR language...
build=$(cd "$1" && pwd)
shift
bin=$build/custody
simbin=$build/custody-sim
base_sock=custody-uhfpower-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-uhfpower-XXXXXX")
simpids=""
trap 'tmux -L $sock kill-server 2>/dev/null; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

sim() { printf '%s\n' "$1" > "$d/sim"; }

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8; T_LOGIN=登录; T_POWER="发射功率："; T_RANGE="18 至 26 dBm"
		T_SET="模块发射功率现为 20.00 dBm"; T_READING="读写器正在读取"; T_DIALOG="超高频读写器发射功率"
		T_REFUSED="模块拒绝该功率（错误 17）"; T_SILENT="超高频读写器未应答：功率可能未设置"
		T_ERR00="错误 00" ;;
	*) L=en_US.UTF-8; T_LOGIN="Log in"; T_POWER="Transmit power: "
		T_RANGE="18 to 26 dBm"; T_SET="The module now transmits at 20.00 dBm"
		T_READING="The reader is reading"; T_DIALOG="Transmit power of the UHF reader"
		T_REFUSED="The module refused the power (error 17)"
		T_SILENT="The UHF reader did not answer: the power may not have been set"
		T_ERR00="error 00" ;;
	esac
	sock=$base_sock-$lang
	d=$top/$lang
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room property --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nkeeper-pass-1\n' | "$bin" operator add --data "$d" --id k1 --name 赵库 --role keeper --by a0 >/dev/null
	printf '[device.uhf]\nport = %s/dev/uhf\n' "$d" > "$d/custody.conf"
	"$simbin" --links "$d/dev" --control "$d/sim" </dev/null >/dev/null 2>"$d/sim.err" &
	simpids="$simpids $!"
	i=0; while [ ! -p "$d/sim" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	tmux -L $sock -u -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env LANG=$L LC_ALL= LANGUAGE= TERM=screen-256color $bin run --data $d; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
	expect "$T_LOGIN" "the login screen"
	login k1 keeper-pass-1; expect "赵库" "the keeper is logged in"
	keys c; settle; type_text A; keys Tab; type_text 01; keys F2; settle
	sim "uhf add E28000000000000000000001 -50"
	keys i; settle; keys C-u; type_text A/01; keys F2
	expect "$T_POWER""26.00 dBm" "the inventory shows the module's power, 26.00 dBm"
	expect "$T_READING" "the reader reads"

	keys w; expect "$T_DIALOG" "W asks for the power"
	type_text 30; keys F2
	expect "$T_RANGE" "30 dBm is refused at the field"
	keys BSpace BSpace; type_text 20; keys F2
	expect "$T_SET" "20 dBm is set, as the module says when asked again"
	expect "$T_POWER""20.00 dBm" "and the screen shows it"
	expect "$T_READING" "the reader reads again"

	sim "uhf refuse 17"
	keys w; expect "$T_DIALOG" "W again"
	type_text 22; keys F2
	expect "$T_REFUSED" "a power the module refuses is said with its code"
	expect "$T_POWER""20.00 dBm" "the power shown stays the module's"
	expect "$T_READING" "the reader reads after the refusal"

	sim "uhf mute on"
	keys w; expect "$T_DIALOG" "W once more"
	type_text 22; keys F2
	sleep 1.8
	expect "$T_SILENT" "a power the module never answers is said as not answered"
	screen | grep -q -F -- "$T_ERR00"; ok $((! $?)) "and not as a refusal with error 00"
	expect "$T_READING" "the reader reads after the silence"
	sim "uhf mute off"
	keys Escape; settle; keys d; settle
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
