#!/bin/sh
# Issue 16's documents on the registration screen (zh_CN and en): a 2023 foreign permanent
# resident card read fills type, number, nationality and English name, and the visit shows
# them; a residence permit carries its pass number; a foreign passport is typed by hand after
# a bad number of each type is refused with its own message; a person without a document is
# refused without the note of why, and registered with it.
# usage: tests/test-documents.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
localedir=$(cd "$build" && pwd)/locale
base_sock=custody-documents-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-documents-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
. "$(dirname "$0")/desk-lib.sh"

# sign NAME: the person signs the registration; the visit opens.
sign() {
	expect "$T_SIGN" "the registration of $1 goes to signing"
	type_text "$1"; keys Enter
	expect "$(tr_ 'Visit of %s' | sed "s/%s/$1/")" "the visit of $1 opens after signing"
}

# error_has TEXT WHAT: the form shows TEXT (an error beside its field).
error_has() { expect "$1" "$2"; }

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8; CAN="加拿大 (CAN)"; GBR="英国 (GBR)" ;;
	*) L=en_US.UTF-8; CAN="Canada (CAN)"; GBR="United Kingdom (GBR)" ;;
	esac
	. "tests/screens/$lang.txt"
	d=$(make_terminal "$lang")
	start_sim "$d"
	start "$L" "$d" 100 30
	expect "$T_LOGIN" "the login screen"
	login c1 clerk-pass-1
	expect "$T_HOME" "the home screen"
	expect "$T_LFOK" "the devices are connected"

	# A 2023 foreign permanent resident ID card: the form takes its type and fields.
	# (124 in its number is Canada's ISO 3166 numeric code: the nationality must agree)
	sim "idcard insert type=Y name=史约翰 sex=1 nation=CAN birth=19790515 id=911124197905150016 en=SMITH_JOHN issues=01"
	expect "911124197905150016" "the 2023 foreign card opens the registration"
	expect "$(tr_ 'foreign permanent resident ID (2023)')" "the document type is the card's"
	expect "SMITH JOHN" "the English name is filled"
	screen | grep "$(tr_ Nationality)" | grep -q CAN
	ok $? "the nationality is filled"
	screen | grep "$(tr_ 'Times renewed')" | grep -q 01
	ok $? "a 2023 card's count is the times renewed"
	# The card has no address: the clerk types where the person lives.
	keys BTab BTab; type_text 北京市朝阳区建国路1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab
	type_text 110002
	sim "em4100 tap 00000B0001"
	expect "00000B0001" "the band tapped fills the band field"
	keys F2
	sign 史约翰
	expect "$CAN" "the visit shows the nationality by name"
	expect "SMITH JOHN" "the visit shows the English name"
	expect "$(tr_ 'foreign permanent resident ID (2023)')" "the visit shows the document"
	screen | grep "$(tr_ 'Times renewed')" | grep -q 01
	ok $? "and the times renewed, so called"
	screen | grep -q "$(tr_ 'ID number')"
	ok $([ $? -ne 0 ]; echo $?) "a foreign card's number is not called a resident ID number"
	sim "idcard remove"
	keys Escape; expect "$T_HOME" "back home"

	# A residence permit of HK, Macao and Taiwan residents: its pass number and times issued.
	sim "idcard insert type=J name=陈大文 sex=1 birth=19850615 id=810000198506150012 pass=H01234567 issues=02 address=北京市东城区东长安街2号"
	expect "810000198506150012" "the residence permit opens the registration"
	expect "$(tr_ 'HK/Macao/Taiwan residence permit')" "its type is the card's"
	expect "H01234567" "its pass number is filled"
	# The card carries no ethnicity, and none is asked of its holder.
	type_text A1101012026110002; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab
	type_text 110002
	sim "em4100 tap 00000B0002"
	expect "00000B0002" "the band tapped fills the band field"
	keys F2
	sign 陈大文
	expect "H01234567" "the visit shows the pass number"
	screen | grep "$(tr_ 'Times issued')" | grep -q 02
	ok $? "and the times issued"
	sim "idcard remove"
	keys Escape; expect "$T_HOME" "back home"

	# A foreign passport typed by hand; first a bad number of each type, each with its rule.
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 约翰·多伊; keys Tab Right Tab Tab
	type_text "$(idnum 11010519800101001)"; keys Tab Tab
	type_text 北京市东城区东长安街3号; keys Tab Tab
	type_text A1101012026110003; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab
	type_text 110002; keys Tab Tab
	sim "em4100 tap 00000B0003"
	expect "00000B0003" "the band tapped fills the band field"
	keys Tab Right; settle	# the document: a residence permit, with a resident's number
	keys F2
	error_has "$(tr_ 'the number of a residence permit of HK, Macao or Taiwan residents starts with 81, 82 or 83')" \
		"a resident's number for a residence permit: refused with its rule"
	to_number; type_text 911124197905150017; to_doc; keys Right Right; settle
	keys F2
	error_has "$(tr_ 'the check digit of the ID number does not match: one of the characters is mistyped')" \
		"a 2023 foreign card's number with a wrong check digit: refused"
	to_number; type_text 12; to_doc; keys Right Right; settle
	expect "$(tr_ 'foreign passport')" "a foreign passport is picked from the list"
	keys Tab; type_text gbr; keys Tab; type_text "DOE JOHN"
	keys F2
	error_has "$(tr_ 'a document number has 5 to %zu letters or digits' | sed 's/%zu/20/')" \
		"a passport number of 2 characters: refused"
	to_number; type_text 533380006; settle
	keys F2
	sign 约翰·多伊
	expect "$GBR" "the visit shows the passport's nationality by name"
	expect "533380006" "and its number"
	expect "$(tr_ 'foreign passport')" "and the document"
	keys Escape; expect "$T_HOME" "back home"

	# A person without a document: the note of why is required.
	keys 1; expect "$T_REGISTER" "the registration form"
	type_text 无名氏; keys Tab Right Tab; type_text "$T_ETHNIC"; keys Tab Tab Tab
	type_text 北京市东城区东长安街4号; keys Tab Tab
	type_text A1101012026110004; keys Tab Right Tab Tab Tab; type_text 110001; keys Tab
	type_text 110002; keys Tab Tab
	sim "em4100 tap 00000B0004"
	expect "00000B0004" "the band tapped fills the band field"
	keys Tab Right Right Right Right Right Right Right Right Right Right; settle
	expect "$(tr_ 'no document')" "no document is picked from the list"
	keys F2
	error_has "$(tr_ 'Fill in %s.' | sed "s/%s/$(tr_ 'Why no document')/")" \
		"without the note of why: refused, the note named"
	"$bin" log --data "$d" --kind person.registered | grep -q 无名氏
	ok $([ $? -ne 0 ]; echo $?) "nothing is recorded"
	type_text 本人拒绝提供，身份待核实; keys F2
	sign 无名氏
	expect "$(tr_ 'no document')" "the visit shows that there is no document"
	expect "身份待核实" "and why"
	keys Escape; expect "$T_HOME" "back home"
	wait_journal person.registered '"doc_type":"none"'
	ok $? "the registration records no document, with its note"
	tmux -L $sock kill-server 2>/dev/null
}

# to_number: from the field in error (the number) clear it; to_doc: from the number to the
# document's list (birth date, address, phone, case, reason, cause, 24 h, officers, entry
# time, band, document).
to_number() { keys C-u; }
to_doc() { keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab; }

for l in "$@"; do
	run_language "$l"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
