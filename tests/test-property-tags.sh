#!/bin/sh
# Screen test of the property room's readers and files: a UHF tag read while registering an
# item, or while binding a tag, fills the tag field (not only a 13.56 MHz tap); the SVG label
# shows the item code whole (the last part tells items apart); the chain of custody's CSV is
# in the reader's language with a BOM. Both languages.
# usage: tests/test-property-tags.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
simbin=$(cd "$build" && pwd)/custody-sim
localedir=$(cd "$build" && pwd)/locale
base_sock=custody-ptags-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-ptags-XXXXXX")
simpids=""
langs="$*"
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; kill $simpids 2>/dev/null; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"

CASE=A1101052026120001
EPC1=E28000000000000000000A01
EPC2=E28000000000000000000A02



make_terminal() {
	d=$top/$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room property --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nkeeper-pass-1\n' | "$bin" operator add --data "$d" --id k1 --name 赵库 --role keeper --by a0 >/dev/null
	printf '[device.uhf]\nport = %s/dev/uhf\n' "$d" > "$d/custody.conf"
	echo "$d"
}
count() { "$bin" log --data "$d" --kind "$1" | grep -c . ; }

# The register form up to the tag field: case, category, what, 1 unit, value, from whom.
fill_item() {
	keys n; settle
	type_text "$CASE"; keys Tab Right Right Tab; type_text "$1"; keys Tab
	type_text 1; keys Tab; type_text pc; keys Tab; type_text 100; keys Tab
	type_text 张三; settle
}

# The text of the label's code (the bold text element), its tspans joined.
svg_code() {
	tr -d '\n' < "$1" | grep -o '<text[^>]*font-weight="bold"[^>]*>.*' | sed 's|</text>.*||' |
		sed 's/<[^>]*>//g'
}

run_language() {
	lang=$1
	case $lang in
	zh_CN) L=zh_CN.UTF-8 ;;
	*) L=en_US.UTF-8 ;;
	esac
	d=$(make_terminal "$lang")
	start_sim "$d"
	start_console $base_sock-$lang "$L" "$d" 100 30
	sleep 1
	login k1 keeper-pass-1
	expect "赵库" "the keeper is logged in"

	# A UHF tag in the reader's field while the form is open fills the tag field.
	fill_item 一号
	sim "uhf add $EPC1"
	expect "$EPC1" "a UHF tag read while registering fills the tag field"
	keys F2
	expect "WP-$CASE-001" "the item is registered"
	"$bin" log --data "$d" --kind item.registered | grep -q "$EPC1"
	ok $? "item.registered carries the UHF tag"
	sim "uhf clear"
	keys Escape; settle

	# Binding a tag later: the same, in the dialog.
	fill_item 二号
	keys F2
	expect "WP-$CASE-002" "the second item is registered without a tag"
	keys g; expect "$(tr_ "Bind a tag")" "G opens the tag dialog"
	sim "uhf add $EPC2"
	expect "$EPC2" "a UHF tag read while binding fills the dialog's tag field"
	keys F2; settle
	"$bin" log --data "$d" | grep -q "$EPC2"
	ok $? "the tag read is bound in the journal"
	sim "uhf clear"

	# The label: the code whole, never cut.
	keys p; settle
	f=$d/exports/label-WP-$CASE-002.svg
	code=$(svg_code "$f" 2>/dev/null)
	ok $([ "$code" = "WP-$CASE-002" ]; echo $?) "the SVG label shows the code whole (\"$code\")"

	# The chain of custody as CSV in the reader's language, with a BOM.
	keys x; settle
	x=$d/exports/custody-WP-$CASE-002.csv
	head -c 3 "$x" | od -An -tx1 | grep -q 'ef bb bf'; ok $? "the CSV starts with a UTF-8 BOM"
	head -1 "$x" | grep -qF "$(tr_ "Time"),$(tr_ "Item"),$(tr_ "Action")"
	ok $? "the CSV's headers are in the reader's language"
	row=$(sed -n 2p "$x")
	echo "$row" | grep -qF ",$(tr_ "registered"),"
	ok $? "the CSV's action is in words ($row)"
	keys Escape; settle
	keys F10; settle; keys F10; settle
	tmux -L $sock kill-server 2>/dev/null
}

for lang in $langs; do
	run_language "$lang"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
