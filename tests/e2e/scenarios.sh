# Shared by the e2e scripts (sourced): a free port, and scenarios that print one "ok - NAME" /
# "not ok - NAME" line each, their "note: " lines, and their output when they fail. The sourcing
# script sets $work (a temporary directory) and prints "$passed passed, $failed failed" at the end.

passed=0
failed=0

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs one scenario in a subshell with errexit in force (it would be ignored inside an `if`).
scenario() {
    local name=$1
    shift
    set +e
    ( set -e; "$@" ) >"$work/scenario.out" 2>&1
    local status=$?
    set -e
    sed 's/^/#   /' "$work/scenario.out" | grep '^#   note: ' || true
    if [[ $status -eq 0 ]]; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        echo "not ok - $name"
        sed 's/^/#   /' "$work/scenario.out"
        failed=$((failed + 1))
    fi
}

# Fails, showing what was expected and what came, unless they are equal.
expect() {
    [[ $1 == "$2" ]] || { echo "expected '$2', got '$1'"; return 1; }
}
