# The helpers the custody-sim command-line tests share (sourced): counts with ok, a wait for
# text in a file, custody-sim started with its links and control FIFO in a directory.
# A test sets lang (shown in failures; may be empty) and prints "$passed passed, $failed failed".
passed=0
failed=0
ok() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL [$lang] $2"; fi; }

# wait_file FILE PATTERN [SECONDS]: until the text is in the file (3 s unless told).
wait_file() {
	i=0
	while [ $i -lt $((${3:-3} * 20)) ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
