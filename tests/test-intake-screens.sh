#!/bin/sh
# Issue 15's intake screens (zh_CN and en): the reason is a visible list with a free-text
# cause beside it, Ctrl-U clears a choice and text that matches no choice is refused; the
# dock's answers stay quiet in the normal flow; the documents carry no JSON, each list once
# and every hash whole on its own line.
# usage: tests/test-intake-screens.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
base_sock=custody-intake-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-intake-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
. "$(dirname "$0")/desk-lib.sh"

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8
		LIST="←→：刑事案件 / 行政案件 / 其他"; NOMATCH="没有含"; CAUSE="案由"
		DOCKNOISE="手环座拒绝"; OLDWORDING="签署的是较早版本，见上文"; EARLIER="当时签署的内容"
		T_REASON_LABEL="原因"; T_REQUIRED="请填写原因"
		CATPHONE="手机及电子产品"; WAYS="各物品去向"; BACK="退还本人"; TOPROP="转为涉案财物"
		CONFIRM="按以下去向记录"; TOPERSON="退还本人：" ;;
	*) L=en_US.UTF-8
		LIST="Left/Right"
		NOMATCH="no choice holds"; CAUSE="Cause"
		DOCKNOISE="dock refused"; OLDWORDING="shown above"; EARLIER="As signed then"
		T_REASON_LABEL="Reason"; T_REQUIRED="Fill in Reason"
		CATPHONE="phone or electronics"; WAYS="Where each item goes"; BACK="back to the person"
		TOPROP="To case property"; CONFIRM="Record where the belongings go"
		TOPERSON="To the person:" ;;
	esac
	. "tests/screens/$lang.txt"
	d=$(make_terminal "$lang")
	start_sim "$d"
	start "$L" "$d" 100 30
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	expect "$T_LFOK" "the devices are connected"

	card=$(idnum 11010519800101001)
	sim "idcard insert name=张三丰 sex=1 nation=01 birth=19800101 address=北京市东城区东长安街1号 id=$card"
	expect "$card" "the ID card opens the registration"
	type_text A1101012026110001; keys Tab
	expect "$LIST" "the focused reason shows that it is a list, and its choices"
	type_text 涉嫌; settle
	expect "$NOMATCH" "text that matches no reason is refused with a message"
	screen | grep "^ *$T_REASON_LABEL " | grep -q "涉嫌"
	ok $([ $? -ne 0 ]; echo $?) "and the refused text is not left in the field"
	keys Right; settle; keys C-u; settle
	keys F2; settle
	screen | grep "$T_REASON_LABEL" | grep -q "$T_REQUIRED"
	ok $? "Ctrl-U cleared the reason: F2 says it is required"
	keys Right; keys Tab; type_text 涉嫌盗窃; keys Tab Tab; type_text 110001; keys Tab
	type_text 110002
	sim "em4100 tap 00000B0001"
	expect "00000B0001" "the band tapped fills the band field"
	keys F2
	expect "$T_SIGN" "the registration goes to signing"
	settle
	screen | grep -qF "$DOCKNOISE"
	ok $([ $? -ne 0 ]; echo $?) "a band tapped on the reader, not docked: the dock's refusal is not shown"
	expect "涉嫌盗窃" "the registration form shows the cause"
	type_text 张三丰; keys Enter
	expect "$T_VISIT" "the visit opens after signing"

	keys 2; expect "$T_SEARCH" "the search form"
	type_text 110003; keys Tab Right Tab; type_text 110004; keys Tab; type_text "$T_HEALTH"
	keys Tab Tab Enter; expect "$T_ADDITEM" "the add-item dialog"
	type_text "$T_PHONE"; keys Tab; type_text 1; keys Tab; type_text "$T_UNIT"
	keys Tab Tab Right Right; settle; keys F2
	expect "[$CATPHONE] $T_PHONE" "the item found is listed with the category picked"
	settle; keys F2
	expect "$T_SIGN" "the search record goes to signing"
	type_text 张三丰; keys Enter; settle
	keys 3; expect "$T_PHONE" "the search's item is on the belongings list"
	type_text L07; keys Tab; type_text 110009; keys F2
	expect "$T_SIGN" "the belongings list goes to signing"
	type_text 张三丰; keys Enter; settle
	type_text 110009; keys Enter; settle
	keys 4; expect "$T_COLLECT" "the collection form"
	for i in 1 2 3 4; do keys Right Tab; type_text ok; keys Tab; done
	keys Right Right Tab; type_text "$T_REFUSED"; keys F2
	expect "$T_COLLECTED" "the collection is recorded"
	keys 5; expect "$T_ROOMS" "the rooms form"
	keys Right Tab; type_text W3; keys Tab; type_text 110001; keys F2
	settle; expect "W3" "the waiting room"
	ok $("$bin" log --data "$d" --kind search.recorded | grep -q '"category":"phone"'; echo $?) \
		"the search record carries the item's category"
	keys 7; expect "$T_EXIT" "the exit review"
	keys Enter; expect "$WAYS" "returning belongings asks where each held item goes"
	screen | grep "$T_PHONE" | grep -qF "$BACK"
	ok $? "the phone is offered back to the person"
	keys Right; settle; keys F2
	expect "$CONFIRM" "a confirmation before anything is recorded"
	screen | grep -F "$TOPROP" | grep -qF "$T_PHONE"
	ok $? "the confirmation lists the phone going to case property"
	keys n; settle
	ok $([ "$(journal_has "$d" belongings.returned)" -eq 0 ]; echo $?) \
		"answered no: nothing is recorded"
	keys Enter; expect "$WAYS" "the return asked again"
	keys F2; expect "$CONFIRM" "and confirmed"
	screen | grep -F "$TOPERSON" | grep -qF "$T_PHONE"
	ok $? "the confirmation lists the phone going back to the person"
	keys Enter; expect "$T_SIGN" "the receipt goes to signing"
	ok $([ "$(journal_has "$d" belongings.returned)" -eq 1 ]; echo $?) \
		"one belongings.returned recorded"
	type_text 张三丰; keys Enter; settle
	keys Tab Tab Enter; settle
	screen | grep -qF "$DOCKNOISE"
	ok $([ $? -ne 0 ]; echo $?) "unbinding a band not in the dock: no refusal shown"
	keys Tab Right Tab; type_text ok; keys F2
	expect "$T_APPROVAL" "the supervisor's approval"
	type_text s1; keys Tab; type_text super-pass-1; keys F2
	expect "$T_SIGN" "the exit record goes to signing"
	screen | grep -F "W3" | grep -qF '["'
	ok $([ $? -ne 0 ]; echo $?) "the exit record's room line has no JSON"
	type_text 张三丰; keys Enter; settle; keys Escape
	expect "$T_NOBODY" "nobody is left in the area"

	visit=$("$bin" log --data "$d" --kind person.registered | sed -n 's/.*"subject":"\([^"]*\)".*/\1/p' | head -1)
	LANG=$L LC_ALL= LANGUAGE= "$bin" export visit "$visit" --data "$d" --format text > "$d/visit.txt" 2>&1
	ok $? "the visit exports as text"
	grep -qF '["' "$d/visit.txt"
	ok $([ $? -ne 0 ]; echo $?) "no JSON in any document"
	grep -qF "$OLDWORDING" "$d/visit.txt"
	ok $([ $? -ne 0 ]; echo $?) "not the old wording for an earlier signed version"
	grep -qF "$EARLIER" "$d/visit.txt"
	ok $? "an earlier signed version is named as such"
	n=$(grep -c "$T_PHONE" "$d/visit.txt")
	ok $([ "$n" -le 3 ]; echo $?) "the phone is listed in the search, the belongings list and its change only ($n)"
	grep -E '[0-9a-f]{64}' "$d/visit.txt" | grep -vqE '^ *[0-9a-f]{64}$'
	ok $([ $? -ne 0 ]; echo $?) "every hash is alone on its line"
	grep -qE "$CAUSE *涉嫌盗窃" "$d/visit.txt"
	ok $? "the registration form carries the cause"
	tmux -L $sock kill-server 2>/dev/null
}

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
