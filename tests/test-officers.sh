#!/bin/sh
# Officers named as people (issue 15): a register imported from a CSV file; officer fields
# that take Chinese and pick from the register by pinyin initials, by name and by number; an
# unregistered number refused; documents naming "刘洋（010231）"; a custodian who signs by
# typing their own name, not their login.
# usage: tests/test-officers.sh BUILD_DIR language...
build=$1
shift
bin=$(cd "$build" && pwd)/custody
base_sock=custody-officers-$$
sock=$base_sock
top=$(mktemp -d "${TMPDIR:-/tmp}/custody-officers-XXXXXX")
trap 'for l in $langs; do tmux -L $base_sock-$l kill-server 2>/dev/null; done; rm -rf "$top"' EXIT
. "$(dirname "$0")/screen-lib.sh"
langs="$*"

start() {	# start LANG DATA-DIR COLS ROWS
	sock=$base_sock-$lang
	tmux -L $sock -u -f /dev/null new-session -d -s t -x "$3" -y "$4" \
		"env LANG=$1 LC_ALL= LANGUAGE= TERM=screen-256color CUSTODY_TEST_CLOCK_MS=1795000000000 $bin run --data $2; sleep 30"
	tmux -L $sock set-option -t t status off >/dev/null
}

make_terminal() {
	d=$top/$1
	printf 'admin-pass-0\n' | "$bin" init --data "$d" --terminal t1 --room intake --admin a0 --admin-name 管理员 >/dev/null
	printf 'admin-pass-0\nclerk-pass-1\n' | "$bin" operator add --data "$d" --id c1 --name 李文 --role clerk --by a0 >/dev/null
	printf '\357\273\277警号,姓名,单位,性别\r\n010231,刘洋,城关派出所,男\r\n010232,张伟,刑侦大队,男\r\n' > "$d/officers.csv"
	printf '010233,王芳,城关派出所,女\r\n12,坏号,,男\r\n' >> "$d/officers.csv"
	printf 'admin-pass-0\n' | "$bin" officer import --data "$d" --by a0 "$d/officers.csv" \
		>"$d/import.out" 2>"$d/import.err"
	echo "$d"
}

run_language() {
	lang=$1
	case $lang in
	zh_CN)
		L=zh_CN.UTF-8; ETHNIC=汉; HINT=警号、姓名或拼音首字母; SIGN="签名："
		LIU="刘洋（010231）"; TWO="刘洋（010231）、张伟（010232）"; NOTREG="不在民警名册中"
		OWN="签名人须输入本人姓名"; CUST="李文（c1）"; SIGNED="李文 已签署"
		OFFICER2="民警 2"; OSEX="民警性别"; MALE="男"; F5KEY="F5 添加民警"; NOTFOUND="未找到：F5 添加"; ADDTITLE="向民警名册添加民警"
		WRONGPW="操作员编号或密码错误"; ADDED="赵六（999999） 已加入民警名册" ;;
	*)
		L=en_US.UTF-8; ETHNIC=Han; HINT="number, name or initials"; SIGN="Sign:"
		LIU="刘洋 (010231)"; TWO="刘洋 (010231), 张伟 (010232)"; NOTREG="not in the register"
		OWN="the signer types their own name"; CUST="李文 (c1)"; SIGNED="李文 signed"
		OFFICER2="Officer 2"; OSEX="Officer's sex"; MALE="male"; F5KEY="F5 add officer"; NOTFOUND="not found: F5 adds"; ADDTITLE="Add an officer"
		WRONGPW="wrong operator id or password"; ADDED="赵六 (999999) is in the register" ;;
	esac
	d=$(make_terminal "$lang")
	grep -q "imported 3, already registered 0, bad lines 1" "$d/import.out"
	ok $? "the import takes the good lines and counts the bad one"
	grep -q "line 5:" "$d/import.err"
	ok $? "the bad line is named by its number"
	good=$(idnum 11010519800101001)

	start "$L" "$d" 100 30
	expect "$T_LOGIN_ANY" "the login screen"
	login c1 clerk-pass-1
	settle
	keys 1; settle
	expect "$HINT" "an officer field says what is wanted"
	type_text 张三丰; keys Tab Right Tab; type_text "$ETHNIC"; keys Tab
	type_text "$good"; keys Tab Tab; type_text 北京市东城区东长安街1号; keys Tab Tab
	type_text A1101012026110001; keys Tab Right Tab Tab Tab
	# officer 1 by pinyin initials: the list shows, Tab picks
	type_text ly
	expect "刘洋 010231" "ly lists 刘洋 under the field"
	expect "$F5KEY" "the key line says F5 adds an officer"
	keys Tab; settle
	# officer 2: Chinese is kept, an unregistered number is refused, then picked by name
	type_text 999999; keys F2
	expect "$NOTREG" "a number not in the register is refused"
	# F5 adds the missing officer on an administrator's authority, and fills the field
	expect "$NOTFOUND" "the list says F5 adds what it lacks"
	keys F5; expect "$ADDTITLE" "F5 opens the add-officer dialog"
	keys Tab; type_text 赵六; keys Tab Tab Right Tab; type_text a0; keys Tab
	type_text wrong-password; keys F2
	expect "$WRONGPW" "a wrong administrator password adds nobody"
	keys C-u; type_text admin-pass-0; keys F2
	expect "$ADDED" "the administrator adds the officer"
	screen | grep -E "$OFFICER2" | grep -q "赵六 999999"
	ok $? "the added officer fills the field"
	"$bin" officer list --data "$d" | grep -q "999999 *赵六"
	ok $? "the officer is in the register"
	keys C-u; type_text 张; settle
	screen | grep -E "$OFFICER2" | grep -q "张"
	ok $? "typing Chinese in an officer field keeps it (it used to be dropped)"
	type_text 伟; expect "张伟 010232" "the name lists 张伟"
	keys Enter; settle
	screen | grep -q "刘洋 010231"
	ok $? "the picked officer shows name and number in the field"
	keys F2
	expect "$SIGN" "the registration goes to signing"
	expect "$TWO" "the document names the officers with their numbers"
	type_text 张三丰; keys Enter; settle
	keys Escape; settle

	# The search, its officer picked by number start and the witness by initials.
	keys 2; settle
	type_text 010231; keys Tab; settle
	screen | grep -E "$OSEX" | grep -q "$MALE"
	ok $? "the searching officer's sex comes from the register"
	keys Tab; type_text wf; expect "王芳 010233" "wf lists 王芳"
	keys Tab; type_text ok; keys F2
	expect "$SIGN" "the search goes to signing"
	expect "$LIU" "the search record names the officer"
	type_text 张三丰; keys Enter; settle; keys Escape; settle

	# Belongings: the custodian is an operator, picked by name, who signs with that name.
	keys 3; settle
	keys Tab; type_text 李文; expect "李文 c1" "the custodian list holds the operator"
	keys Enter; keys F2
	expect "$SIGN" "the belongings list goes to signing"
	type_text 张三丰; keys Enter
	expect "$CUST" "the custodian's signature names them with their id"
	type_text c1; keys Enter
	expect "$OWN" "the custodian's login is not a signature"
	keys C-u; type_text 李文; keys Enter
	expect "$SIGNED" "the custodian signs by typing their own name"
	keys Escape; settle
	[ "$("$bin" log --data "$d" --kind signature.made | grep -c .)" = 4 ]
	ok $? "four signatures in the journal"
	"$bin" log --data "$d" --kind person.registered | grep -qF '"officers":["010231","010232"]'
	ok $? "the event keeps the number"
	tmux -L $sock kill-server 2>/dev/null
}

T_LOGIN_ANY="custody"
for lang in $langs; do
	run_language "$lang"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
