#!/bin/sh
# The README's main command: a demo terminal in ./demo with demo operators, every device
# simulated by custody-sim (links in demo/dev, commands through the FIFO demo/sim), then the
# console.
# usage: tools/demo.sh BUILD_DIR
set -eu
bin=$1/custody
sim=$1/custody-sim
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
dev=$(cd "$data" && pwd)/dev
if [ ! -f "$data/custody.conf" ]; then
	for d in pn532 em4100 fingerprint uhf dock idcard; do
		printf '[device.%s]\nport = %s/%s\n\n' "$d" "$dev" "$d"
	done > "$data/custody.conf"
fi
"$sim" --links "$dev" --control "$data/sim" </dev/null >"$data/sim.log" 2>&1 &
simpid=$!
trap 'kill $simpid 2>/dev/null' EXIT INT TERM
cat <<TEXT
Demo operators (演示账号):
  c1  李文  clerk       clerk-pass-1
  s1  王强  supervisor  super-pass-1
  k1  赵敏  keeper      keeper-pass-1
  a1  系统管理员 admin  admin-pass-1
Simulated devices (模拟设备) in $dev; from another terminal, for example:
  echo 'em4100 tap 0102030405' > $data/sim          # a band on the 125 kHz reader
  echo 'pn532 tap 04A1B2C3D4E5F6' > $data/sim       # a band on the 13.56 MHz reader
  echo 'idcard insert name=张三 id=11010519491231002X' > $data/sim
  echo 'help' > $data/sim; cat $data/sim.log          # every command
Starting the console in 3 s (F10 leaves)...
TEXT
sleep 3
"$bin" run --data "$data"
