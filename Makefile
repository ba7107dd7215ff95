# ordo build. `make` builds build/ordo; `make test` runs every test (unit, API, crash,
# concurrency, the console in a browser) in a normal build and again under AddressSanitizer + UBSan; `make bench`
# measures. SANITIZE=1 selects the sanitizer build in build-asan/.

CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libcrypto libcurl libsodium
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

ifeq ($(SANITIZE),1)
BUILD ?= build-asan
OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ALLOC_LIBS :=
else
BUILD ?= build
OPT := -O2
# mimalloc replaces malloc in the release binary: intake allocates many small JSON nodes and
# it measured 5-10% faster than glibc's allocator there (see docs/performance.md). The
# sanitizer build keeps glibc's, which ASan instruments.
ALLOC_LIBS := -lmimalloc
endif

CFLAGS := -std=c17 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -Wshadow -Wvla \
          -Wformat=2 -Wno-format-nonliteral -Isrc $(PKG_CFLAGS) -pthread -MMD -MP
LDFLAGS := $(OPT) -pthread
# libharu (labels and invoices as PDF) ships no pkg-config file.
LDLIBS := $(PKG_LIBS) -lhpdf -lm

LIB_SRCS := $(shell find src -name '*.c' ! -path src/main.c | sort)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit api browser console bench format format-check clean run fuzz
all: $(BUILD)/ordo console

# The operator console (console/src, Preact + uPlot bundled by esbuild) is built into
# build/console whichever build this is: ordo serves it from there at /console. npm ci
# installs exactly what package-lock.json pins.
CONSOLE_SRCS := $(shell find console -type f 2>/dev/null)
console: build/console/index.html

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/console/index.html: $(CONSOLE_SRCS) node_modules/.package-lock.json
	node console/build.mjs

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libordo.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/ordo: $(BUILD)/obj/src/main.o $(BUILD)/libordo.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(ALLOC_LIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libordo.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(BUILD)/libordo.a $(LDLIBS) -lcmocka -o $@

unit: $(UNIT_BINS)
	@tests/run_unit.sh $(BUILD) $(UNIT_BINS)

api: $(BUILD)/ordo
	@ORDO_BIN=$(abspath $(BUILD)/ordo) python3 tests/api/run.py

# The console in Debian's Chromium (playwright-core), against a real server; screenshots
# of every screen land in build/screenshots.
browser: all
	@ORDO_BIN=$(abspath $(BUILD)/ordo) node --test --test-concurrency=1 tests/browser/

# The whole suite, then the whole suite again under ASan + UBSan; formatting first, where
# clang-format is installed.
test:
	@if command -v clang-format >/dev/null; then $(MAKE) --no-print-directory format-check; fi
	@$(MAKE) --no-print-directory all unit api browser
	@$(MAKE) --no-print-directory SANITIZE=1 all unit api
	@echo "all test suites passed (normal and sanitizer builds)"

bench: $(BUILD)/ordo
	@bench/run.sh $(abspath $(BUILD)/ordo)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Builds and starts the server with the defaults (embedded SQLite under var/, demo data).
run: $(BUILD)/ordo
	$(BUILD)/ordo serve

# libFuzzer targets (clang): `make fuzz FUZZ_SECONDS=300`. Seeds in fuzz/corpus/<target>/;
# findings land in build-fuzz/. Not part of `make test` (it runs until the time is up).
FUZZ_SECONDS ?= 60
FUZZ_SRCS := $(filter src/core/% src/util/% src/svc/reference_data.c,$(LIB_SRCS))
fuzz: $(patsubst fuzz/fuzz_%.c,build-fuzz/fuzz_%,$(wildcard fuzz/fuzz_*.c))
	@for t in $^; do name=$${t#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus-$$name; \
	  echo "fuzzing $$name for $(FUZZ_SECONDS) s"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -artifact_prefix=build-fuzz/ \
	      build-fuzz/corpus-$$name fuzz/corpus/$$name 2>&1 | tail -3 || exit 1; done

build-fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_SRCS)
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE -Isrc \
	    $(PKG_CFLAGS) $^ $(PKG_LIBS) -lm -o $@
