# certgate — the two commands a new user needs: `make demo` and `make test`.
BUILD      ?= build
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test unit e2e sanitize fuzz bench package clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(BUILD)/certgate demo

# Every test: unit + end-to-end (real binary, real curl/openssl/nginx), sanitizer and fuzz smoke runs.
test: build
	scripts/run-tests $(BUILD)

unit: build
	ctest --test-dir $(BUILD) -LE e2e --output-on-failure -j$(JOBS)

e2e: build
	ctest --test-dir $(BUILD) -L e2e --output-on-failure

# Every libFuzzer driver for FUZZ_SECONDS each (default 300) with FUZZ_JOBS processes (default 1), regressions
# replayed first; crash inputs land in build-fuzz/fuzz-artifacts/<driver>/ (see docs/testing.md, "Fuzzing").
FUZZ_SECONDS ?= 300
FUZZ_JOBS    ?= 1
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) JOBS=$(JOBS) scripts/run-fuzz-smoke

bench: deps
	scripts/run-bench

# The Debian package $(BUILD)/certgate_<version>_<arch>.deb: binary, systemd units, /etc/certgate, certgate(8),
# logrotate snippet (packaging/, docs/operations.md "The Debian package").
package: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) build-*
