#!/bin/sh
# Screen test of over-long input and corrections (issue 15), in tmux, zh_CN and en: a
# 500-character paste into the name is refused with a message naming the field and its
# limit, F2 is refused while it stands and nothing is saved; a 32-character Chinese name fits
# whole. Then the person is registered properly and the name corrected from the visit page
# (E) with a supervisor's approval (a wrong password refused first): the visit page and the
# registration form show the corrected name, the original and the mark.
# usage: tests/test-correct.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
base_sock=custody-correct-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-correct-XXXXXX")
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

count() { "$bin" log --data "$d" --kind "$1" | grep -c . ; }

start() {	# start LANG DATA-DIR
	sock=$base_sock-$lang
	tmux -L $sock -u -f /dev/null new-session -d -s t -x 120 -y 30 \
		"env LANG=$1 LC_ALL= LANGUAGE= TERM=screen-256color CUSTODY_TEST_CLOCK_MS=1795000000000 $bin run --data $2; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}

make_terminal() {
	d=$top/$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf 'admin-pass-0\nsuper-pass-1\n' | "$bin" operator add --data "$d" --id s1 --name 王强 --role supervisor --by a0 >/dev/null
	echo "$d"
}

# Tab from the name through the rest of the registration form, filling it.
fill_rest() {
	keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab
	type_text "$good"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab; type_text 110002
}

run_language() {
	lang=$1
	case $lang in
	zh_CN)
		L=zh_CN.UTF-8; T_ETHNIC=汉
		T_HOME="办案区内人员"; T_REGISTER="入区登记"; T_TOOLONG="姓名限 32 字，468 字未录入"
		T_SIGN="签名："; T_VISIT="张三丰 的入区记录"; T_CORRECT="更正登记信息"; T_APPROVAL="主管审批更正"
		T_WRONG="操作员编号或密码错误"; T_REASON="身份证姓名录错"; T_CORRECTED="已更正"
		T_WAS="原为 张三丰"; T_VISIT2="张三峰 的入区记录"; T_MARK="已更正：姓名"; T_NOW="当前：张三丰" ;;
	*)
		L=en_US.UTF-8; T_ETHNIC=Han
		T_HOME="People in the area"; T_REGISTER="Entry registration"
		T_TOOLONG="Name: at most 32 characters; 468 more were not taken"
		T_SIGN="Sign:"; T_VISIT="Visit of 张三丰"; T_CORRECT="Correct the registration"
		T_APPROVAL="Supervisor's approval of the correction"
		T_WRONG="wrong operator id or password"; T_REASON="name mistyped from the card"
		T_CORRECTED="corrected"; T_WAS="was 张三丰"; T_VISIT2="Visit of 张三峰"; T_MARK="Corrected: Name"; T_NOW="Now: 张三丰" ;;
	esac
	d=$(make_terminal "$lang")
	good=$(idnum 11010519800101001)
	start "$L" "$d"
	SCREEN_MATCH=-E expect "登录|Log ?in" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen after login"

	# 500 characters pasted into the name: refused with a message, nothing cut silently.
	keys 1; expect "$T_REGISTER" "the registration form"
	long=$(printf '张三丰'; i=0; while [ $i -lt 497 ]; do printf '李'; i=$((i + 1)); done)
	type_text "$long"
	expect "$T_TOOLONG" "the over-long name is refused with the field, its limit and the rest"
	fill_rest; settle
	screen | grep -qF "$T_TOOLONG"
	ok $? "the message stays while the clerk fills the other fields"
	keys F2; settle
	screen | grep -qF "$T_SIGN"
	ok $([ $? -ne 0 ]; echo $?) "F2 is refused while the name has overflowed"
	ok $([ "$(count person.registered)" = 0 ]; echo $?) "nothing is registered with a cut name"
	expect "$T_TOOLONG" "the message is still there after F2"

	# A 32-character Chinese name fits whole (it was cut at 21: 64 bytes).
	keys C-u; settle
	screen | grep -qF "$T_TOOLONG"
	ok $([ $? -ne 0 ]; echo $?) "editing the field clears the message"
	full=$(i=0; while [ $i -lt 31 ]; do printf '李'; i=$((i + 1)); done; printf '尾')
	type_text "$full"
	expect "尾" "the 32nd character of a Chinese name is taken"
	screen | grep -qF "32"
	ok $([ $? -ne 0 ]; echo $?) "no limit message for a name at the limit"

	# Registered properly, then signed.
	keys C-u; type_text 张三丰; keys F2
	expect "$T_SIGN" "the registration goes to signing"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens after signing"

	# The correction: E on the visit page, the field, the new value, a reason.
	keys E; expect "$T_CORRECT" "E opens the correction form"
	expect "$T_NOW" "the form shows the current value of the field"
	keys Tab; type_text 张三峰; keys Tab; type_text "$T_REASON"; keys F2
	expect "$T_APPROVAL" "the supervisor's approval is asked"
	type_text s1; keys Tab; type_text wrong-pass; keys F2
	expect "$T_WRONG" "a wrong supervisor password is refused"
	ok $([ "$(count record.corrected)" = 0 ]; echo $?) "nothing is corrected without the approval"
	keys Tab C-u; type_text super-pass-1; keys F2
	expect "张三峰" "the visit page shows the corrected name"
	expect "$T_CORRECTED" "and marks it corrected"
	expect "$T_WAS" "the registration form shows the original value"
	expect "$T_SIGN" "the corrected form is offered for signing again"
	keys Escape; expect "$T_VISIT2" "Esc: the visit page under the corrected name"
	expect "$T_MARK" "the visit page names the corrected field"
	ok $([ "$(count record.corrected)" = 1 ]; echo $?) "record.corrected in the journal"
	"$bin" log --data "$d" --kind record.corrected | grep -q '"field":"name","old":"张三丰","new":"张三峰"'
	ok $? "the event names the field, the old and the new value"
	"$bin" log --data "$d" --kind record.corrected | grep -q '"approved_by":"s1"'
	ok $? "the event names the approving supervisor"
	keys F10; sleep 0.5
	"$bin" verify --data "$d" >/dev/null 2>&1
	ok $? "the journal verifies"
	tmux -L $sock kill-server 2>/dev/null
}

for lang in $langs; do
	run_language "$lang"
done
echo "$passed passed, $failed failed"
