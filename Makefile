# custody: plain GNU make. See README.md.
#   make            build every program into build/
#   make test       build with test hooks into build/test/ and run the tests
#   make check-asan the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      run the benchmarks
#   make deps       install the Debian packages the build and the tests need
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
LOCALEDIR = $(PREFIX)/share/locale
BUILD ?= build
CC ?= cc
V ?= 0
ifeq ($(V),0)
Q = @
SAY = @printf '  %-6s %s\n'
else
SAY = @true
endif

PKGS = sqlite3 libsodium libserialport libcurl libqrencode libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The console alone links ncursesw; its files want X/Open 7 (wcwidth, get_wch).
UI_CFLAGS := -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
	$(filter-out -D_XOPEN_SOURCE% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags ncursesw 2>/dev/null))
UI_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null)

WARN = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
OPT ?= -O2 -g
HARDEN = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDHARDEN = -pie -Wl,-z,relro,-z,now
ifeq ($(SANITIZE),1)
OPT = -O1 -g -fno-omit-frame-pointer
HARDEN = -fstack-protector-strong -fPIE
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
ifeq ($(HOOKS),1)
HOOKFLAGS = -DCUSTODY_TEST_HOOKS
endif
ALL_CFLAGS = $(WARN) $(OPT) $(HARDEN) $(SANFLAGS) $(HOOKFLAGS) -MMD -MP -Isrc -Idrivers -Idrivers/sim -Iscreens \
	-DLOCALEDIR='"$(LOCALEDIR)"' $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDHARDEN) $(SANFLAGS) $(LDFLAGS)

# The library is every src/*.c except the command line and the console (ncurses).
APP_PATTERNS = src/main.c src/cmd%.c src/ui%.c src/console%.c
# Drivers and the simulated devices are library code too: they do no I/O of their own.
CORE_SRC = $(filter-out $(APP_PATTERNS),$(sort $(wildcard src/*.c))) $(sort $(wildcard drivers/*.c)) \
	$(sort $(wildcard drivers/sim/sim-*.c))
CUSTODY_SRC = $(filter $(APP_PATTERNS),$(sort $(wildcard src/*.c))) $(sort $(wildcard screens/*.c))
C_TESTS = $(sort $(patsubst tests/test-%.c,%,$(wildcard tests/test-*.c)))
SH_TESTS = $(sort $(patsubst tests/test-%.sh,%,$(wildcard tests/test-*.sh)))
TESTS = $(C_TESTS) $(SH_TESTS)
# In this order: bench/console runs on the database bench/search builds.
BENCHES = journal search console devices sync inventory telemetry ledger-attack transparency
LANGS = zh_CN en
MANPAGES = $(sort $(wildcard man/*.[1-8]))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/journal-schema.o
# custody-ledger: src/ledger/*.c on the core library; its tests and bench/sync link it too.
LEDGER_PKGS = libmicrohttpd gnutls libpq libcurl
LEDGER_LIBS := $(shell pkg-config --libs $(LEDGER_PKGS) 2>/dev/null) -lpthread
LEDGER_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard src/ledger/*.c))) \
	$(BUILD)/obj/gen/ledger-schema.o
LEDGER_LIB = $(BUILD)/libledger.a
CUSTODY_OBJ = $(CUSTODY_SRC:%.c=$(BUILD)/obj/%.o)
LIB = $(BUILD)/libcustody.a
MO = $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/custody.mo)
TEST_BIN = $(C_TESTS:%=$(BUILD)/tests/test-%)
BENCH_BIN = $(BENCHES:%=$(BUILD)/bench/%)

.PHONY: all test check check-asan bench deps install uninstall clean run pot fuzz lint-man

all: $(BUILD)/custody $(BUILD)/custody-sim $(BUILD)/custody-ledger $(BUILD)/custody-audit $(MO)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The program's own files (command line, console, screens) see curses' wide API.
$(CUSTODY_OBJ): ALL_CFLAGS += $(UI_CFLAGS)

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/journal-schema.c: tools/embed-sql.sh $(wildcard db/journal/*.sql)
	@mkdir -p $(dir $@)
	$(SAY) EMBED $@
	$(Q)sh tools/embed-sql.sh journal $(sort $(wildcard db/journal/*.sql)) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/ledger-schema.c: tools/embed-sql.sh $(wildcard db/ledger/*.sql)
	@mkdir -p $(dir $@)
	$(SAY) EMBED $@
	$(Q)sh tools/embed-sql.sh ledger $(sort $(wildcard db/ledger/*.sql)) > $@.tmp && mv $@.tmp $@

$(LEDGER_LIB): $(filter-out %/ledger/main.o,$(LEDGER_OBJ))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/custody-ledger: $(BUILD)/obj/src/ledger/main.o $(LEDGER_LIB) $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LEDGER_LIB) $(LIB) $(PKG_LIBS) $(LEDGER_LIBS)

# custody-audit: src/audit/*.c on the core library (libcurl is one of PKGS).
AUDIT_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard src/audit/*.c)))
$(BUILD)/custody-audit: $(AUDIT_OBJ) $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(AUDIT_OBJ) $(LIB) $(PKG_LIBS)

$(LEDGER_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(LEDGER_PKGS) 2>/dev/null)
# Tests and benches of the ledger link its library before the core one.
LEDGER_USERS = $(BUILD)/tests/test-ledger $(BUILD)/tests/test-ledger-attack $(BUILD)/bench/sync \
	$(BUILD)/bench/ledger-attack $(BUILD)/tests/test-ledger-tlog $(BUILD)/bench/transparency \
	$(BUILD)/tests/test-audit
$(LEDGER_USERS): $(LEDGER_LIB) tests/ledger-util.h
$(LEDGER_USERS): LIB := $(LEDGER_LIB) $(LIB)
$(LEDGER_USERS): PKG_LIBS += $(LEDGER_LIBS)

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(SAY) AR $@
	$(Q)ar rcs $@ $^

$(BUILD)/custody: $(CUSTODY_OBJ) $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CUSTODY_OBJ) $(LIB) $(PKG_LIBS) $(UI_LIBS)

$(BUILD)/custody-sim: $(BUILD)/obj/drivers/sim/custody-sim.o $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/locale/%/LC_MESSAGES/custody.mo: po/%.po
	@mkdir -p $(dir $@)
	$(SAY) MSGFMT $<
	$(Q)msgfmt --check -o $@ $<

$(BUILD)/tests/test-%: tests/test-%.c tests/t.h tests/util.h tests/devpair.h $(LIB)
	@mkdir -p $(dir $@)
	$(SAY) TEST $@
	$(Q)$(CC) $(ALL_CFLAGS) -D_XOPEN_SOURCE=700 -Wno-format-truncation -Itests $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(SAY) BENCH $@
	$(Q)$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# The tests run on a build with test hooks (a settable clock), never on the shipped one.
test check: deps
	@$(MAKE) --no-print-directory BUILD=build/test HOOKS=1 run-tests

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan HOOKS=1 SANITIZE=1 run-tests

run-tests: all $(TEST_BIN)
	@sh tests/run.sh $(BUILD) $(TESTS)

bench: deps all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# The main job: the console on a demo terminal in ./demo, with demo operators (printed).
run: deps all
	@sh tools/demo.sh $(BUILD)

DEB_PKGS = gcc make pkg-config libc6-dev libsqlite3-dev libsodium-dev libserialport-dev libncurses-dev gettext sqlite3 \
	tmux clang libclang-rt-14-dev mandoc man-db \
	libmicrohttpd-dev libgnutls28-dev libpq-dev postgresql openssl curl libcurl4-openssl-dev libssl-dev \
	libqrencode-dev libpng-dev zbar-tools librsvg2-bin fiu-utils libfiu-dev \
	golang-go golang-golang-x-mod-dev libnfc-bin libnfc-examples
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

pot:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --add-comments=TRANSLATORS \
		--package-name=custody -o po/custody.pot $(sort $(wildcard src/*.c src/*/*.c screens/*.c drivers/*.c drivers/*/*.c))
	for l in $(LANGS); do msgmerge -q --no-fuzzy-matching --update --backup=none po/$$l.po po/custody.pot; done

lint-man:
	mandoc -Tlint -Wwarning $(MANPAGES)

FUZZ_SECONDS ?= 60
fuzz: all
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/test-fuzz.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/custody $(DESTDIR)$(BINDIR)/custody
	install -m 755 $(BUILD)/custody-sim $(DESTDIR)$(BINDIR)/custody-sim
	install -m 755 $(BUILD)/custody-ledger $(DESTDIR)$(BINDIR)/custody-ledger
	install -m 755 $(BUILD)/custody-audit $(DESTDIR)$(BINDIR)/custody-audit
	for m in $(MANPAGES); do \
		sec=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$sec; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$sec/; \
	done
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/custody.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/custody.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/custody $(DESTDIR)$(BINDIR)/custody-sim $(DESTDIR)$(BINDIR)/custody-ledger \
		$(DESTDIR)$(BINDIR)/custody-audit
	for m in $(MANPAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	for l in $(LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/custody.mo; done

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# The sync tests' fault-injecting HTTPS proxy: a test tool, linked with OpenSSL.
$(BUILD)/tests/faultproxy: tests/faultproxy.c tests/faultproxy.h
	@mkdir -p $(dir $@)
	$(SAY) TEST $@
	$(Q)$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Itests $(ALL_LDFLAGS) -o $@ $< $(shell pkg-config --libs openssl)
$(BUILD)/tests/test-sync $(BUILD)/tests/test-rollback $(BUILD)/tests/test-impostor $(BUILD)/tests/test-witness: $(BUILD)/tests/faultproxy tests/sync-util.h
# test-audit runs the auditor's own tree (src/audit/tree.c) beside src/tlog.c.
$(BUILD)/tests/test-audit: tests/sync-util.h src/audit/tree.c
# test-crash makes fdatasync fail for real: libfiu's POSIX preload (fiu-run -x, fiu-utils),
# enabled from inside the child at the right moment (libfiu-dev).
$(BUILD)/tests/test-crash: PKG_LIBS += -lfiu
# The transparency log's outside checker: Go against Debian's golang.org/x/mod, built offline.
$(BUILD)/tests/tlog-check: tools/tlog-check/main.go
	@mkdir -p $(dir $@)
	$(SAY) GO $@
	$(Q)GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=$(abspath $(BUILD))/gocache \
		go build -o $@ ./tools/tlog-check
$(BUILD)/tests/test-tlog-go $(BUILD)/tests/test-ledger-tlog: $(BUILD)/tests/tlog-check
