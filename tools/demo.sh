#!/bin/sh
# The README's main command: a demo terminal in ./demo with demo operators, every device
# simulated by custody-sim (links in demo/dev, commands through the FIFO demo/sim), a local
# custody-ledger over TLS (demo/ledger, certificates made here with openssl) that the terminal
# is enrolled with, then the console. A second terminal shares the same ledger:
#   CUSTODY_DEMO=demo2 CUSTODY_DEMO_ROOM=exit tools/demo.sh BUILD_DIR
# usage: tools/demo.sh BUILD_DIR
set -eu
bin=$1/custody
sim=$1/custody-sim
ledger_bin=$1/custody-ledger
data=${CUSTODY_DEMO:-demo}
room=${CUSTODY_DEMO_ROOM:-intake}
ledger=${CUSTODY_DEMO_LEDGER:-demo-ledger}
port=${CUSTODY_DEMO_PORT:-18443}
pids=""
trap 'kill $pids 2>/dev/null' EXIT INT TERM

# The center's ledger: made once, started unless one already answers on the port.
if [ ! -f "$ledger/ca.pem" ]; then
	mkdir -p "$ledger"
	(cd "$ledger" && exec >openssl.log 2>&1 &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
		-out ca.pem -days 3650 -subj /CN=custody-demo-ca &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
		-out server.csr -subj /CN=localhost &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-out server.pem -days 3650 -extfile server.ext)
fi
if ! curl -s --cacert "$ledger/ca.pem" "https://127.0.0.1:$port/v1/health" >/dev/null 2>&1; then
	"$ledger_bin" serve --db "$ledger/ledger.db" --listen "127.0.0.1:$port" \
		--cert "$ledger/server.pem" --key "$ledger/server.key" >"$ledger/serve.log" 2>&1 &
	pids="$pids $!"
	i=0
	until curl -s --cacert "$ledger/ca.pem" "https://127.0.0.1:$port/v1/health" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "demo: the ledger did not start; see $ledger/serve.log" >&2; exit 1; }
		sleep 0.1
	done
fi
first=""
if [ ! -f "$data/custody.db" ]; then
	# Every terminal of a center holds the center's biometric key: the first makes it.
	key=""
	[ -f "$ledger/biometric.key" ] && key="--biometric-key $ledger/biometric.key"
	# The first terminal founds the center with administrator a1; the others pin its key.
	if [ -f "$ledger/center.pub" ]; then
		"$bin" init --data "$data" --terminal "demo-$room" --room "$room" $key \
			--center "$ledger/center.pub"
	else
		printf 'admin-pass-1\n' | "$bin" init --data "$data" --terminal "demo-$room" \
			--room "$room" $key --admin a1 --admin-name 系统管理员
		install -m 644 "$data/center.pub" "$ledger/center.pub"
		first=1
	fi
	[ -f "$ledger/biometric.key" ] || install -m 600 "$data/biometric.key" "$ledger/biometric.key"
fi
if [ -n "$first" ]; then
	add() {
		printf 'admin-pass-1\n%s\n' "$4" | "$bin" operator add --data "$data" --id "$1" \
			--name "$2" --role "$3" --by a1 >/dev/null
	}
	add c1 李文 clerk clerk-pass-1
	add s1 王强 supervisor super-pass-1
	add k1 赵敏 keeper keeper-pass-1
fi
if ! LANGUAGE= LC_ALL=C "$bin" sync --data "$data" --status 2>/dev/null | grep -q 'events of this terminal:'; then
	# The one-time token goes through a pipe, never on a command line.
	"$ledger_bin" token --db "$ledger/ledger.db" --terminal "demo-$room" |
		"$bin" enroll --data "$data" --ledger "https://127.0.0.1:$port" --ca "$ledger/ca.pem"
fi
# The operators the first terminal added come to the others through the ledger.
"$bin" sync --data "$data" --once >/dev/null 2>&1 || true
dev=$(cd "$data" && pwd)/dev
if [ ! -f "$data/custody.conf" ]; then
	{
		for d in pn532 em4100 fingerprint uhf dock idcard; do
			printf '[device.%s]\nport = %s/%s\n\n' "$d" "$dev" "$d"
		done
		# The demo center's zones, as the positioning gateway numbers them.
		n=1
		for z in "入区登记室 entry" "检查室 search" "物品保管室 belongings" "信息采集室 collection" \
		    "候问室1 waiting" "讯问室1 interrogation" "出区通道 exit" "走廊 corridor"; do
			printf '[zone.%d]\nname = %s\nkind = %s\n\n' $n "${z% *}" "${z#* }"
			n=$((n + 1))
		done
	} > "$data/custody.conf"
fi
"$sim" --links "$dev" --control "$data/sim" </dev/null >"$data/sim.log" 2>&1 &
pids="$pids $!"
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
  echo 'fingerprint tap alice' > $data/sim          # a finger on the module (collection, F4 signing)
  echo 'dock telemetry 0102030405 zone=6 hr=150' > $data/sim   # the band in 讯问室1, heart rate 150
  echo 'dock sos 0102030405' > $data/sim              # its SOS button: a red alert on the board (s1, B)
  echo 'uhf tags 20' > $data/sim                       # tags in the UHF field (property room inventory)
  echo 'help' > $data/sim; cat $data/sim.log          # every command
The ledger (台账服务器) runs at https://127.0.0.1:$port ($ledger); a second terminal that
shares its visits: CUSTODY_DEMO=demo2 CUSTODY_DEMO_ROOM=exit make run
Starting the console in 3 s (F10 leaves)...
TEXT
sleep 3
"$bin" run --data "$data"
