#!/bin/sh
# The words of a catalog stay consistent (po/LANG.po, each language given): one word for a key
# (回车, not "Enter"), one for paging (翻页, not 翻阅 or 阅读), no ASCII "->" in Chinese text,
# and the key lines say Esc, Tab and F10 the same way everywhere.
# usage: tests/test-wording.sh BUILD_DIR language...
shift
passed=0
failed=0
ok() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL [$lang] $2"; fi; }

# pairs FILE: one line per entry, "msgid<TAB>msgstr", continuation lines joined, fuzzy and
# obsolete entries left out.
pairs() {
	awk '
	function flush() { if (id != "" && !fuzzy) print id "\t" str; id = ""; str = ""; fuzzy = 0 }
	/^#~/ { next }
	/^#,.*fuzzy/ { fuzzy = 1; next }
	/^msgid / { flush(); sub(/^msgid "/, ""); sub(/"$/, ""); id = $0; where = "id"; next }
	/^msgstr / { sub(/^msgstr "/, ""); sub(/"$/, ""); str = $0; where = "str"; next }
	/^"/ { sub(/^"/, ""); sub(/"$/, ""); if (where == "id") id = id $0; else str = str $0; next }
	/^$/ { flush(); where = "" }
	END { flush() }' "$1"
}

# bad WHAT PATTERN-ON-MSGSTR: no translation matches; the offenders are listed.
bad() {
	n=$(cut -f2 "$t" | grep -cE -- "$2")
	ok $([ "$n" = 0 ]; echo $?) "$1 ($n translations)"
	[ "$n" = 0 ] || cut -f2 "$t" | grep -E -- "$2" | head -5 | sed 's/^/    /'
}

# same WHAT MSGID-PATTERN MSGSTR-TEXT: every entry whose msgid matches says the text.
same() {
	n=$(grep -E -- "$2" "$t" | cut -f2 | grep -cvF -- "$3")
	ok $([ "$n" = 0 ]; echo $?) "$1 ($n translations without \"$3\")"
	[ "$n" = 0 ] || grep -E -- "$2" "$t" | cut -f2 | grep -vF -- "$3" | head -5 | sed 's/^/    /'
}

for lang in "$@"; do
	po=po/$lang.po
	[ -f "$po" ] || continue
	t=$(mktemp)
	pairs "$po" | awk -F'\t' '$2 != ""' > "$t"
	ok $([ "$(grep -c . "$t")" -gt 1000 ]; echo $?) "the catalog is read ($(grep -c . "$t") entries)"
	case $lang in
	zh_CN)
		bad "Enter is 回车 in Chinese" 'Enter'
		bad "no ASCII arrow" '->'
		bad "paging is 翻页, not 翻阅" '翻阅'
		bad "PgUp/PgDn say 翻页" 'PgUp/PgDn [^翻]'
		same "Esc back is Esc 返回" '^[^	]*Esc back' 'Esc 返回'
		same "Tab next is Tab 下一项" '^[^	]*Tab next' 'Tab 下一项'
		same "F10 log out is F10 退出登录" '^[^	]*F10 log out' 'F10 退出登录'
		same "F1 help is F1 帮助" '^[^	]*F1 help' 'F1 帮助'
		same "F2 save is F2 保存" '^[^	]*F2 save' 'F2 保存'
		;;
	esac
	rm -f "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
