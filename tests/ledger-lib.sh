# The shell tests' ledger (sourced): a CA and a server certificate for 127.0.0.1 made with
# openssl, and custody-ledger serving in the background. Needs $ledger (the binary).

# tls_certs DIR: ca.pem, server.pem and server.key in DIR.
tls_certs() {
	(
	cd "$1" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
		-out ca.pem -days 2 -subj /CN=custody-test-ca 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
		-out server.csr -subj /CN=127.0.0.1 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
		-days 2 -extfile ext.cnf 2>/dev/null
	)
}

# ledger_serve CERTS DIR PORT: the ledger of DIR/ledger.db on PORT (0: any) in the background,
# logging to DIR/ledger.log; sets lpid, and port from the log.
ledger_serve() {
	"$ledger" serve --db "$2/ledger.db" --listen "127.0.0.1:$3" --cert "$1/server.pem" \
		--key "$1/server.key" 2>"$2/ledger.log" &
	lpid=$!
	i=0
	while [ $i -lt 200 ]; do
		port=$(sed -n 's/.*on port \([0-9]*\).*/\1/p' "$2/ledger.log" | tail -1)
		[ -n "$port" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "the ledger did not start"; cat "$2/ledger.log"
	return 1
}
