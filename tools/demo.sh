#!/bin/sh
# The README's main command: a demo terminal in ./demo with demo operators, then the console.
# usage: tools/demo.sh BUILD_DIR
set -eu
bin=$1/custody
data=${CUSTODY_DEMO:-demo}
if [ ! -f "$data/custody.db" ]; then
	"$bin" init --data "$data" --terminal demo-intake --room intake
	add() {
		printf '%s\n' "$4" | "$bin" operator add --data "$data" --id "$1" --name "$2" \
			--role "$3" --by setup >/dev/null
	}
	add c1 李文 clerk clerk-pass-1
	add s1 王强 supervisor super-pass-1
	add k1 赵敏 keeper keeper-pass-1
	add a1 系统管理员 admin admin-pass-1
fi
cat <<'TEXT'
Demo operators (演示账号):
  c1  李文  clerk       clerk-pass-1
  s1  王强  supervisor  super-pass-1
  k1  赵敏  keeper      keeper-pass-1
  a1  系统管理员 admin  admin-pass-1
Starting the console in 3 s (F10 leaves)...
TEXT
sleep 3
exec "$bin" run --data "$data"
