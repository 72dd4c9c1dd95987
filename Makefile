# The two commands: `make demo` and `make test`. Both install what is missing, configure and build.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# ccache: share hits between clones of the tree (paths relative to the clone) and with the
# precompiled headers of cli/.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime

.PHONY: all deps configure build demo test asan bench fuzz clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DONUS_SANITIZE=address,undefined -DONUS_BUILD_BENCH=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) --timeout 1200

bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DONUS_BUILD_TESTS=OFF -DONUS_BUILD_BENCH=ON
	cmake --build build-bench -j $(JOBS)
	@scripts/bench build-bench

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONUS_FUZZ=ON -DONUS_BUILD_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS)
	@scripts/fuzz build-fuzz

clean:
	rm -rf $(BUILD) build-asan build-bench build-fuzz

format:
	find . -path ./build\* -prune -o \( -name '*.h' -o -name '*.cc' \) -print | xargs clang-format -i
